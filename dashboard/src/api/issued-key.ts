// The `api_key` object embedded in create responses: the only time a raw key is ever shown.

/** A freshly issued key; `raw_key` is returned exactly once. */
export interface IssuedKey {
  id: string;
  key_prefix: string;
  raw_key: string;
}
