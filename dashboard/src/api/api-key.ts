// Wire shape of a platform or end-user API key record (never the hash or raw key).
import type { Schemas } from './schemas';

/** An API key as listed by `GET /api-keys`. */
export type ApiKey = Schemas['ApiKey'];

/** The answer of `POST /api-keys` and `POST /end-users/{id}/api-keys`: the record plus its raw key. */
export type CreatedApiKey = Schemas['CreatedApiKey'];
