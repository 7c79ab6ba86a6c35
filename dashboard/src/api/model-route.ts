// Wire shape of an operator model route with its prices (spec §2 "Prices").

/** A long-context tier: above `above_input_tokens` prompt tokens the whole request is priced here. */
export interface PriceTier {
  above_input_tokens: number;
  input_usd_per_mtok: number | string;
  output_usd_per_mtok: number | string;
  cached_input_usd_per_mtok: number | string | null;
  cache_write_usd_per_mtok: number | string | null;
  cache_write_1h_usd_per_mtok: number | string | null;
}

/** A model slug served by one provider at per-million-token USD prices; absent bucket prices fall back to input. */
export interface ModelRoute {
  id: string;
  slug: string;
  provider_id: string;
  provider_model_id: string | null;
  input_usd_per_mtok: number | string;
  output_usd_per_mtok: number | string;
  cached_input_usd_per_mtok: number | string | null;
  /** 5-minute prompt-cache writes. */
  cache_write_usd_per_mtok: number | string | null;
  /** 1-hour prompt-cache writes. */
  cache_write_1h_usd_per_mtok: number | string | null;
  tiers: PriceTier[];
  max_output_tokens: number;
  context_window: number | null;
  priority: number;
  is_enabled: boolean;
  created_at?: string;
}
