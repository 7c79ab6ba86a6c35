// Wire shape of an end user of a platform.
import type { IssuedKey } from './issued-key';

/** A person using the platform, identified by the platform's own `external_id`. */
export interface EndUser {
  id: string;
  platform_id: string;
  external_id: string;
  display_name: string | null;
  metadata: Record<string, unknown> | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

/** `POST /end-users` answer: the user and a freshly issued key. */
export interface CreatedEndUser extends EndUser {
  api_key: IssuedKey;
}
