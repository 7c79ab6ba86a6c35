/**
 * A price list file read into one shape, whatever its format: LiteLLM's `model_prices_and_context_window.json`
 * or the data of `@pydantic/genai-prices` (docs/decisions.md "Price catalogue and import"). Prices stay
 * unvalidated here; the import validates them with the operator API's own rules.
 */
import { readGenaiPrices } from './genai-prices-format.js';
import { readLitellm } from './litellm-format.js';
import type { RoutePricesInput } from './route-prices.js';

export type PriceListEntry = {
  /** The provider as the file names it (LiteLLM `litellm_provider`, genai-prices provider `id`). */
  provider: string;
  /** The model id as the provider's API takes it (a LiteLLM key without its `provider/` prefix). */
  model: string;
  /** Where the entry is in the file, for messages: the LiteLLM key, or `provider/model` for genai-prices. */
  ref: string;
  /** Prices under the operator API's names, in USD per Mtok; a field the file does not state is absent. */
  prices: Partial<Record<keyof RoutePricesInput, unknown>>;
  /** The file's field behind a validation issue's path, for messages (`['tiers', 0, 'input_usd_per_mtok']` → `input_cost_per_token_above_200k_tokens`). */
  fieldName: (path: readonly PropertyKey[]) => string;
  maxOutputTokens?: number;
  contextWindow?: number;
  /** A current chat model the gateway can route: only these are added as new routes. */
  addable: boolean;
  /** Whether an upstream model id is this entry (genai-prices match clauses; otherwise equality). */
  matches: (upstreamModelId: string) => boolean;
  /** Why the file's entry cannot be read (it is reported and skipped). */
  problem?: string;
};

export type PriceList = { format: 'LiteLLM' | 'genai-prices'; entries: PriceListEntry[] };

export class PriceListError extends Error {}

/** Reads a parsed JSON document; throws PriceListError when it is neither format. `today` (YYYY-MM-DD) picks dated prices. */
export function readPriceList(doc: unknown, today: string): PriceList {
  if (Array.isArray(doc)) return { format: 'genai-prices', entries: readGenaiPrices(doc, today) };
  if (doc !== null && typeof doc === 'object') return { format: 'LiteLLM', entries: readLitellm(doc as Record<string, unknown>, today) };
  throw new PriceListError(
    'expected a JSON object keyed by model name (LiteLLM model_prices_and_context_window.json) or an array of providers (genai-prices data.json)',
  );
}

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A positive whole number from the file, else undefined (token limits are informative: a bad one is not fatal). */
export const tokenCount = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined);
