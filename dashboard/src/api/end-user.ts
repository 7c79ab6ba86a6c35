// Wire shape of an end user.
import type { Schemas } from './schemas';

export type EndUser = Schemas['EndUser'];

/** `POST /end-users`: the user and a freshly issued key (raw key shown once). */
export type CreatedEndUser = Schemas['CreatedEndUser'];
