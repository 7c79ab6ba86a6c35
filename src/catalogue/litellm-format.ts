/**
 * Reads LiteLLM's price map (`model_prices_and_context_window.json`): one object keyed by model name, each
 * with `litellm_provider`, `mode`, prices in USD per token (`input_cost_per_token`, `output_cost_per_token`,
 * `cache_read_input_token_cost`, `cache_creation_input_token_cost`, `cache_creation_input_token_cost_above_1hr`),
 * long-context prices as `<field>_above_<N>k_tokens`, and `max_output_tokens` / `max_input_tokens`.
 */
import { perTokenToUsdPerMtok } from './per-token.js';
import { isRecord, type PriceListEntry, tokenCount } from './price-list.js';

/** Route price field ← LiteLLM per-token field. */
const FIELDS = [
  ['input_usd_per_mtok', 'input_cost_per_token'],
  ['output_usd_per_mtok', 'output_cost_per_token'],
  ['cached_input_usd_per_mtok', 'cache_read_input_token_cost'],
  ['cache_write_usd_per_mtok', 'cache_creation_input_token_cost'],
  ['cache_write_1h_usd_per_mtok', 'cache_creation_input_token_cost_above_1hr'],
] as const;

const TIER_KEY = new RegExp(`^(${FIELDS.map(([, f]) => f).join('|')})_above_(\\d+)k_tokens$`);

/** A price as the file wrote it: a number is converted exactly, anything else is kept for the validation to reject. */
const perMtok = (v: unknown) => (typeof v === 'number' ? perTokenToUsdPerMtok(v) : v);

export function readLitellm(doc: Record<string, unknown>, today: string): PriceListEntry[] {
  const entries: PriceListEntry[] = [];
  for (const [key, row] of Object.entries(doc)) {
    if (key === 'sample_spec') continue; // the file's own documentation row
    if (!isRecord(row)) {
      entries.push(broken(key, 'is not an object'));
      continue;
    }
    const provider = row.litellm_provider;
    if (typeof provider !== 'string' || provider === '') {
      entries.push(broken(key, 'has no litellm_provider'));
      continue;
    }
    const model = key.startsWith(`${provider}/`) ? key.slice(provider.length + 1) : key;
    const entry: PriceListEntry = {
      provider,
      model,
      ref: key,
      prices: {},
      fieldName: (path) => {
        const [head, index, field] = path;
        const source = FIELDS.find(([f]) => f === (head === 'tiers' ? field : head))?.[1];
        if (head !== 'tiers') return source ?? String(head);
        const above = (entry.prices.tiers as Array<{ above_input_tokens: number }>)[Number(index)].above_input_tokens;
        return source ? `${source}_above_${above / 1000}k_tokens` : `the tier above ${above / 1000}k tokens`;
      },
      maxOutputTokens: tokenCount(row.max_output_tokens) ?? tokenCount(row.max_tokens),
      contextWindow: tokenCount(row.max_input_tokens),
      addable:
        (row.mode === undefined || row.mode === 'chat') && !(typeof row.deprecation_date === 'string' && row.deprecation_date <= today),
      matches: (id) => id === model,
    };
    for (const [field, source] of FIELDS) {
      if (row[source] === undefined || row[source] === null) continue;
      entry.prices[field] = perMtok(row[source]);
    }
    const tiers = readTiers(row);
    if (tiers.length > 0) entry.prices.tiers = tiers;
    if (entry.prices.input_usd_per_mtok === undefined || entry.prices.output_usd_per_mtok === undefined) {
      // Embedding, image and audio rows have no per-token output price: not something a chat route can bill.
      if (entry.addable) entries.push({ ...entry, problem: 'has no input_cost_per_token or output_cost_per_token' });
      continue;
    }
    entries.push(entry);
  }
  return entries;
}

/** `input_cost_per_token_above_200k_tokens` & co. → tiers, ascending by threshold (N k tokens = N × 1000). */
function readTiers(row: Record<string, unknown>): Array<Record<string, unknown>> {
  const byThreshold = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(row)) {
    const m = TIER_KEY.exec(key);
    if (!m || value === null) continue;
    const above = Number(m[2]) * 1000;
    const field = FIELDS.find(([, f]) => f === m[1])?.[0] as string;
    const tier = byThreshold.get(above) ?? { above_input_tokens: above };
    tier[field] = perMtok(value);
    byThreshold.set(above, tier);
  }
  return [...byThreshold.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
}

function broken(key: string, problem: string): PriceListEntry {
  return { provider: '', model: key, ref: key, prices: {}, fieldName: String, addable: false, matches: () => false, problem };
}
