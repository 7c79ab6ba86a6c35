// Wire shape of an operator model route with its prices.

/** A model slug served by one provider at per-million-token USD prices. */
export interface ModelRoute {
  id: string;
  slug: string;
  provider_id: string;
  provider_model_id: string | null;
  input_usd_per_mtok: number | string;
  output_usd_per_mtok: number | string;
  cached_input_usd_per_mtok: number | string | null;
  max_output_tokens: number;
  context_window: number | null;
  priority: number;
  is_enabled: boolean;
  created_at?: string;
}
