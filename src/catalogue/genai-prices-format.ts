/**
 * Reads the data of `@pydantic/genai-prices` (its `data.json`, also bundled in the npm package): an array of
 * providers, each with `models`; a model has `id`, `match` (rules on the upstream model id), `context_window`,
 * `deprecated` and `prices` in USD per Mtok (`input_mtok`, `output_mtok`, `cache_read_mtok`,
 * `cache_write_mtok`, `cache_write_1h_mtok`), a price being a number or `{ base, tiers: [{ start, price }] }`
 * (the tier price applies to the whole call once the prompt exceeds `start`), or a list of prices with
 * `start_date` constraints.
 */
import { isRecord, type PriceListEntry, tokenCount } from './price-list.js';

/** Route price field ← genai-prices field. */
const FIELDS = [
  ['input_usd_per_mtok', 'input_mtok'],
  ['output_usd_per_mtok', 'output_mtok'],
  ['cached_input_usd_per_mtok', 'cache_read_mtok'],
  ['cache_write_usd_per_mtok', 'cache_write_mtok'],
  ['cache_write_1h_usd_per_mtok', 'cache_write_1h_mtok'],
] as const;

/** Units a chat model may also have that the gateway does not bill (audio input, tool calls). Any other unit (image or audio output, hours, pages) marks a model that is not a chat model. */
const IGNORED_UNITS = new Set(['input_audio_mtok', 'cache_audio_read_mtok', 'web_searches_kcount', 'storage_searches_kcount']);
const PRICE_UNITS = new Set<string>(FIELDS.map(([, f]) => f));
/** Models with text prices that are not chat models (speech, embeddings, realtime audio). */
const NOT_CHAT = /(^|-)(tts|embedding|transcribe|realtime|live|audio|image|moderation)(-|$)/;

export type MatchLogic = Record<string, unknown>;

/** genai-prices' match clause evaluated on an upstream model id. A clause of an unknown kind never matches. */
export function matchesClause(clause: unknown, id: string): boolean {
  if (!isRecord(clause)) return false;
  if (Array.isArray(clause.or)) return clause.or.some((c) => matchesClause(c, id));
  if (Array.isArray(clause.and)) return clause.and.every((c) => matchesClause(c, id));
  if (typeof clause.equals === 'string') return id === clause.equals;
  if (typeof clause.starts_with === 'string') return id.startsWith(clause.starts_with);
  if (typeof clause.ends_with === 'string') return id.endsWith(clause.ends_with);
  if (typeof clause.contains === 'string') return id.includes(clause.contains);
  if (typeof clause.regex === 'string') {
    try {
      return new RegExp(clause.regex).test(id);
    } catch {
      return false;
    }
  }
  return false;
}

export function readGenaiPrices(doc: unknown[], today: string): PriceListEntry[] {
  const entries: PriceListEntry[] = [];
  doc.forEach((p, i) => {
    if (!isRecord(p) || typeof p.id !== 'string' || !Array.isArray(p.models)) {
      entries.push(broken(`[${i}]`, 'is not a provider (an object with id and models)'));
      return;
    }
    const provider = p.id;
    const providerModels = p.model_match;
    p.models.forEach((m, j) => {
      if (!isRecord(m) || typeof m.id !== 'string') {
        entries.push(broken(`${provider}.models[${j}]`, 'is not a model (an object with id and prices)'));
        return;
      }
      const model = m.id;
      const ref = `${provider}/${model}`;
      const prices = currentPrices(m.prices, today);
      if (!prices) {
        entries.push({ ...broken(ref, 'has no prices in force today'), provider });
        return;
      }
      const units = Object.keys(prices);
      const entry: PriceListEntry = {
        provider,
        model,
        ref,
        prices: {},
        fieldName: (path) => {
          const [head, index, field] = path;
          const source = FIELDS.find(([f]) => f === (head === 'tiers' ? field : head))?.[1] ?? String(field ?? head);
          if (head !== 'tiers') return source;
          const above = (entry.prices.tiers as Array<{ above_input_tokens: number }>)[Number(index)].above_input_tokens;
          return `${source} (tier from ${above})`;
        },
        contextWindow: tokenCount(m.context_window),
        addable:
          m.deprecated !== true &&
          !NOT_CHAT.test(model) &&
          units.every((u) => PRICE_UNITS.has(u) || IGNORED_UNITS.has(u)) &&
          (providerModels === undefined || matchesClause(providerModels, model)),
        matches: m.match === undefined ? (id) => id === model : (id) => matchesClause(m.match, id),
      };
      if (prices.input_mtok === undefined || prices.output_mtok === undefined) return; // embeddings, speech: no chat prices
      const tierStarts = new Set<number>();
      for (const [field, source] of FIELDS) {
        const v = prices[source];
        if (v === undefined) continue;
        if (isRecord(v) && Array.isArray(v.tiers)) {
          entry.prices[field] = v.base;
          for (const t of v.tiers) if (isRecord(t) && typeof t.start === 'number') tierStarts.add(t.start);
        } else entry.prices[field] = v;
      }
      if (tierStarts.size > 0) {
        entry.prices.tiers = [...tierStarts].sort((a, b) => a - b).map((start) => tierAt(prices, start));
      }
      entries.push(entry);
    });
  });
  return entries;
}

/** The price set in force on `today`: the latest `start_date` not after it (an unconstrained one counts as the oldest). */
function currentPrices(prices: unknown, today: string): Record<string, unknown> | undefined {
  if (!Array.isArray(prices)) return isRecord(prices) ? prices : undefined;
  let best: { since: string; prices: Record<string, unknown> } | undefined;
  for (const c of prices) {
    if (!isRecord(c) || !isRecord(c.prices)) continue;
    const k = c.constraint;
    let since = '';
    if (isRecord(k)) {
      if (k.type !== 'start_date' || typeof k.start_date !== 'string' || k.start_date > today) continue;
      since = k.start_date;
    }
    if (!best || since >= best.since) best = { since, prices: c.prices };
  }
  return best?.prices;
}

/** Every bucket's price for a prompt above `start`: its own tier price there, else its base price. */
function tierAt(prices: Record<string, unknown>, start: number): Record<string, unknown> {
  const tier: Record<string, unknown> = { above_input_tokens: start };
  for (const [field, source] of FIELDS) {
    const v = prices[source];
    if (v === undefined) continue;
    if (!isRecord(v) || !Array.isArray(v.tiers)) {
      tier[field] = v;
      continue;
    }
    let price: unknown = v.base;
    for (const t of v.tiers) if (isRecord(t) && typeof t.start === 'number' && t.start <= start) price = t.price;
    tier[field] = price;
  }
  return tier;
}

function broken(ref: string, problem: string): PriceListEntry {
  return { provider: '', model: ref, ref, prices: {}, fieldName: String, addable: false, matches: () => false, problem };
}
