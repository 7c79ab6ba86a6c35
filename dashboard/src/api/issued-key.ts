// The `api_key` object of create answers (platform, end user): the raw key, shown once.
import type { Schemas } from './schemas';

export type IssuedKey = Schemas['IssuedKey'];
