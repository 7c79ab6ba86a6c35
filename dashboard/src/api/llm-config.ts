// Wire shape of a platform's provider key configuration (the key itself is never returned).

/** A platform's stored provider key; only `key_hint` (last 4 characters) is visible. */
export interface LlmConfig {
  id: string;
  platform_id: string;
  provider_id: string;
  name: string | null;
  is_default: boolean;
  is_active: boolean;
  priority: number | null;
  key_hint: string | null;
  created_at: string;
  updated_at: string;
}
