/**
 * Long-context tiers as model_routes.tiers stores them: JSON text, prices in integer µUSD per million
 * tokens like the route's own price columns, absent bucket prices as null.
 */
import { microsToUsd, type PriceTier } from './money.js';

export type StoredTier = {
  above_input_tokens: number;
  input_micros_per_mtok: number;
  output_micros_per_mtok: number;
  cached_input_micros_per_mtok: number | null;
  cache_write_micros_per_mtok: number | null;
  cache_write_1h_micros_per_mtok: number | null;
};

/** What the admin API takes, prices already turned into µUSD per Mtok by its schema. */
export type TierInput = {
  above_input_tokens: number;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cached_input_usd_per_mtok?: number | null;
  cache_write_usd_per_mtok?: number | null;
  cache_write_1h_usd_per_mtok?: number | null;
};

/** Admin input (µUSD values under the *_usd_* names) → the column's text; null for no tiers. */
export function tiersColumn(tiers: readonly TierInput[] | null | undefined): string | null {
  if (!tiers || tiers.length === 0) return null;
  const stored: StoredTier[] = tiers.map((t) => ({
    above_input_tokens: t.above_input_tokens,
    input_micros_per_mtok: t.input_usd_per_mtok,
    output_micros_per_mtok: t.output_usd_per_mtok,
    cached_input_micros_per_mtok: t.cached_input_usd_per_mtok ?? null,
    cache_write_micros_per_mtok: t.cache_write_usd_per_mtok ?? null,
    cache_write_1h_micros_per_mtok: t.cache_write_1h_usd_per_mtok ?? null,
  }));
  return JSON.stringify(stored);
}

/** The column's text → tiers. Written only by tiersColumn() and the seed, so a bad value is a bug: it throws. */
export function parseTiers(text: string | null): PriceTier[] {
  if (text === null || text === '') return [];
  const stored = JSON.parse(text) as StoredTier[];
  return stored.map((t) => ({
    aboveInputTokens: t.above_input_tokens,
    inputMicrosPerMtok: t.input_micros_per_mtok,
    outputMicrosPerMtok: t.output_micros_per_mtok,
    cachedInputMicrosPerMtok: t.cached_input_micros_per_mtok ?? null,
    cacheWriteMicrosPerMtok: t.cache_write_micros_per_mtok ?? null,
    cacheWrite1hMicrosPerMtok: t.cache_write_1h_micros_per_mtok ?? null,
  }));
}

const usdOrNull = (v: number | null) => (v === null ? null : microsToUsd(v));

/** The column's text → the API's `tiers` (USD per million tokens). */
export function tiersView(text: string | null) {
  return parseTiers(text).map((t) => ({
    above_input_tokens: t.aboveInputTokens,
    input_usd_per_mtok: microsToUsd(t.inputMicrosPerMtok),
    output_usd_per_mtok: microsToUsd(t.outputMicrosPerMtok),
    cached_input_usd_per_mtok: usdOrNull(t.cachedInputMicrosPerMtok),
    cache_write_usd_per_mtok: usdOrNull(t.cacheWriteMicrosPerMtok),
    cache_write_1h_usd_per_mtok: usdOrNull(t.cacheWrite1hMicrosPerMtok),
  }));
}
