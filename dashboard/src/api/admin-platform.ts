// Wire shape of the operator's create-platform answer.
import type { Schemas } from './schemas';

/** `POST /v1/admin/platforms`: the platform and its first key (raw key shown once). */
export type CreatedPlatform = Schemas['CreatedPlatform'];
