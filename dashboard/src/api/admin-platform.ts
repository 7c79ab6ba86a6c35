// Wire shape of `POST /v1/admin/platforms`: the platform with its first platform key.
import type { IssuedKey } from './issued-key';
import type { Platform } from './platform';

/** A created platform; `api_key.raw_key` is shown once. */
export interface CreatedPlatform extends Platform {
  api_key: IssuedKey;
}
