// Wire shape of an upstream provider in the operator's catalogue.

/** The wire format a provider speaks. */
export type ProviderKind = 'openai' | 'anthropic' | 'google';

/** A provider; a platform key sees only `id, slug, name, kind, is_active`. */
export interface Provider {
  id: string;
  slug: string;
  name: string;
  kind: ProviderKind;
  base_url?: string;
  is_active: boolean;
  created_at?: string;
}
