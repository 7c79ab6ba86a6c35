// Wire shape of a platform or end-user API key record (never the hash or raw key).

/** An API key as listed by `GET /api-keys`. */
export interface ApiKey {
  id: string;
  platform_id: string;
  end_user_id?: string | null;
  key_prefix: string;
  name: string | null;
  scopes?: string[] | null;
  is_active: boolean;
  last_used_at: string | null;
  expires_at: string | null;
  created_at: string;
}

/** The answer of `POST /api-keys` and `POST /end-users/{id}/api-keys`: the record plus its raw key. */
export interface CreatedApiKey extends ApiKey {
  raw_key: string;
}
