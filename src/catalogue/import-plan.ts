/**
 * `assistiv prices import`'s diff: a price list compared with the database's model routes. Each entry is
 * validated with the operator API's price rules; a route changes whole or not at all, and a change that
 * raises any price a call could be billed at is marked as an increase (applied only when asked).
 */
import type { Selectable } from 'kysely';
import { type RoutePrices as BillingPrices, pricesAt } from '../billing/money.js';
import { parseTiers, tiersColumn } from '../billing/price-tiers.js';
import type { ModelRoutesTable } from '../store/schema.js';
import type { PriceList, PriceListEntry } from './price-list.js';
import { type RoutePrices, routePricesSchema } from './route-prices.js';

/** Without a max output in the file or the catalogue, an added route gets this (the operator can edit it). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

/** Other names price lists give the providers the catalogue seeds (LiteLLM `gemini`, genai-prices `x-ai`). */
const PROVIDER_ALIASES: Record<string, string> = { gemini: 'google', 'x-ai': 'xai' };

export type Route = Selectable<ModelRoutesTable>;
export type Provider = { id: string; slug: string };
export type CatalogueModel = {
  provider: string;
  slug: string;
  provider_model_id: string;
  max_output_tokens: number;
  context_window?: number;
};

/** Route columns a price list sets. */
export type PriceColumns = Pick<
  Route,
  | 'input_micros_per_mtok'
  | 'output_micros_per_mtok'
  | 'cached_input_micros_per_mtok'
  | 'cache_write_micros_per_mtok'
  | 'cache_write_1h_micros_per_mtok'
  | 'tiers'
>;

export type FieldChange = { field: string; from: string; to: string };
export type RouteChange = {
  route: Route;
  provider: string;
  ref: string;
  fields: FieldChange[];
  /** Some call would be billed more after the change. */
  increase: boolean;
  set: Partial<PriceColumns>;
};
export type AddedModel = {
  providerId: string;
  provider: string;
  slug: string;
  ref: string;
  columns: PriceColumns;
  maxOutputTokens: number;
  maxOutputFrom: 'file' | 'catalogue' | 'default';
  contextWindow: number | null;
};
export type ImportPlan = {
  format: PriceList['format'];
  entries: number;
  changed: RouteChange[];
  added: AddedModel[];
  unchanged: number;
  /** Routes no entry of the file names: left as they are. */
  notInFile: number;
  invalid: Array<{ ref: string; message: string }>;
  /** Entries for providers this database does not have, by the file's provider name. */
  otherProviders: Map<string, number>;
};

type Valid = { entry: PriceListEntry; prices: RoutePrices };

/** Ids a new route can take: fine-tune price patterns (`ft:gpt-4o`, `gpt-4o-mini-2024-07-18.ft-`) are not models. */
const ADDABLE_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$/;

export function planImport(
  list: PriceList,
  providers: Provider[],
  routes: Route[],
  catalogue: CatalogueModel[],
  opts: { add: boolean } = { add: true },
): ImportPlan {
  const plan: ImportPlan = {
    format: list.format,
    entries: list.entries.length,
    changed: [],
    added: [],
    unchanged: 0,
    notInFile: 0,
    invalid: [],
    otherProviders: new Map(),
  };
  const bySlug = new Map(providers.map((p) => [p.slug, p]));
  const byProvider = new Map<string, Valid[]>();
  const invalidRefs = new Map<string, PriceListEntry[]>();
  for (const entry of list.entries) {
    const provider = bySlug.get(entry.provider) ?? bySlug.get(PROVIDER_ALIASES[entry.provider] ?? '');
    if (!provider) {
      if (entry.problem && entry.provider === '') plan.invalid.push({ ref: entry.ref, message: entry.problem });
      else plan.otherProviders.set(entry.provider, (plan.otherProviders.get(entry.provider) ?? 0) + 1);
      continue;
    }
    const message = entry.problem ?? validationProblem(entry);
    if (message) {
      plan.invalid.push({ ref: entry.ref, message });
      invalidRefs.set(provider.id, [...(invalidRefs.get(provider.id) ?? []), entry]);
      continue;
    }
    const prices = routePricesSchema.parse(entry.prices);
    byProvider.set(provider.id, [...(byProvider.get(provider.id) ?? []), { entry, prices }]);
  }
  const slugOf = new Map(providers.map((p) => [p.id, p.slug]));
  const used = new Set<PriceListEntry>();
  for (const route of routes) {
    const candidates = byProvider.get(route.provider_id) ?? [];
    const hit = candidates.find((c) => c.entry.matches(route.provider_model_id)) ?? candidates.find((c) => c.entry.matches(route.slug));
    if (!hit) {
      // A route whose entry is invalid is reported with the invalid entries, not as absent from the file.
      const invalid = invalidRefs.get(route.provider_id)?.some((e) => e.matches(route.provider_model_id) || e.matches(route.slug));
      if (!invalid) plan.notInFile++;
      continue;
    }
    used.add(hit.entry);
    const change = diffRoute(route, hit.prices);
    if (change) plan.changed.push({ ...change, route, provider: slugOf.get(route.provider_id) ?? '', ref: hit.entry.ref });
    else plan.unchanged++;
  }
  for (const [providerId, valid] of opts.add ? byProvider : []) {
    const provider = slugOf.get(providerId) ?? '';
    const seen = new Set<string>();
    for (const { entry, prices } of valid) {
      if (used.has(entry) || !entry.addable || !ADDABLE_ID.test(entry.model) || seen.has(entry.model)) continue;
      seen.add(entry.model);
      const known = catalogue.find((c) => c.provider === provider && (c.provider_model_id === entry.model || c.slug === entry.model));
      const maxOutputFrom = entry.maxOutputTokens ? 'file' : known ? 'catalogue' : 'default';
      plan.added.push({
        providerId,
        provider,
        slug: entry.model,
        ref: entry.ref,
        columns: columnsOf(prices),
        maxOutputTokens: entry.maxOutputTokens ?? known?.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
        maxOutputFrom,
        contextWindow: entry.contextWindow ?? known?.context_window ?? null,
      });
    }
  }
  plan.added.sort((a, b) => `${a.provider}/${a.slug}`.localeCompare(`${b.provider}/${b.slug}`));
  return plan;
}

/** The first validation issue, naming the file's field (`gemini/gemini-2.5-pro: input_cost_per_token: …`). */
function validationProblem(entry: PriceListEntry): string | undefined {
  const slug = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
  if (!slug.test(entry.model) || entry.model.length > 128) return `model name ${JSON.stringify(entry.model)} is not a valid route slug`;
  const parsed = routePricesSchema.safeParse(entry.prices);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const [head, index, field] = issue.path;
  const tier = head === 'tiers' ? (entry.prices.tiers as Array<Record<PropertyKey, unknown>>)[Number(index)] : undefined;
  const missing = tier !== undefined && field !== undefined && tier[field] === undefined;
  return `${entry.fieldName(issue.path)}: ${missing ? 'missing: a tier needs input and output prices' : issue.message}`;
}

function columnsOf(p: RoutePrices): PriceColumns {
  return {
    input_micros_per_mtok: p.input_usd_per_mtok,
    output_micros_per_mtok: p.output_usd_per_mtok,
    cached_input_micros_per_mtok: p.cached_input_usd_per_mtok ?? null,
    cache_write_micros_per_mtok: p.cache_write_usd_per_mtok ?? null,
    cache_write_1h_micros_per_mtok: p.cache_write_1h_usd_per_mtok ?? null,
    tiers: tiersColumn(p.tiers),
  };
}

const billing = (c: PriceColumns): BillingPrices => ({
  inputMicrosPerMtok: c.input_micros_per_mtok,
  outputMicrosPerMtok: c.output_micros_per_mtok,
  cachedInputMicrosPerMtok: c.cached_input_micros_per_mtok,
  cacheWriteMicrosPerMtok: c.cache_write_micros_per_mtok,
  cacheWrite1hMicrosPerMtok: c.cache_write_1h_micros_per_mtok,
  tiers: parseTiers(c.tiers),
});

/**
 * The route's change, or null when every call would be billed as before. Fields the file does not state
 * are left as they are (a list that omits cache prices never clears them). Prices are piecewise constant in
 * the prompt size, changing only at tier thresholds, so comparing at 0 and just above each threshold of
 * either side compares every call.
 */
function diffRoute(route: Route, p: RoutePrices): Omit<RouteChange, 'route' | 'provider' | 'ref'> | null {
  const set: Partial<PriceColumns> = { input_micros_per_mtok: p.input_usd_per_mtok, output_micros_per_mtok: p.output_usd_per_mtok };
  if (p.cached_input_usd_per_mtok !== undefined) set.cached_input_micros_per_mtok = p.cached_input_usd_per_mtok;
  if (p.cache_write_usd_per_mtok !== undefined) set.cache_write_micros_per_mtok = p.cache_write_usd_per_mtok;
  if (p.cache_write_1h_usd_per_mtok !== undefined) set.cache_write_1h_micros_per_mtok = p.cache_write_1h_usd_per_mtok;
  if (p.tiers !== undefined) set.tiers = tiersColumn(p.tiers);
  const before = billing(route);
  const after = billing({ ...route, ...set });
  const points = [0, ...[...(before.tiers ?? []), ...(after.tiers ?? [])].map((t) => t.aboveInputTokens + 1)];
  let changed = false;
  let increase = false;
  for (const n of points) {
    const a = pricesAt(before, n);
    const b = pricesAt(after, n);
    for (const k of ['input', 'cached', 'write5m', 'write1h', 'output'] as const) {
      if (b[k] !== a[k]) changed = true;
      if (b[k] > a[k]) increase = true;
    }
  }
  if (!changed) return null;
  const fields: FieldChange[] = [];
  for (const [key, value] of Object.entries(set) as Array<[keyof PriceColumns, number | string | null]>) {
    const old = route[key];
    if (old === value) continue;
    fields.push({ field: FIELD_LABELS[key], from: show(key, old), to: show(key, value) });
  }
  return { fields, increase, set };
}

const FIELD_LABELS: Record<keyof PriceColumns, string> = {
  input_micros_per_mtok: 'input',
  output_micros_per_mtok: 'output',
  cached_input_micros_per_mtok: 'cached input',
  cache_write_micros_per_mtok: 'cache write 5m',
  cache_write_1h_micros_per_mtok: 'cache write 1h',
  tiers: 'tiers',
};

/** A price column for people: USD per Mtok, "(input price)" for an absent bucket price, tiers compactly. */
export function show(key: keyof PriceColumns, v: number | string | null): string {
  if (key === 'tiers') return showTiers(v as string | null);
  return v === null ? '(input price)' : usd(v as number);
}

const usd = (micros: number) => String(micros / 1_000_000);

export function showTiers(text: string | null): string {
  const tiers = parseTiers(text);
  if (tiers.length === 0) return 'none';
  return tiers
    .map((t) => {
      const parts = [`input ${usd(t.inputMicrosPerMtok)}`, `output ${usd(t.outputMicrosPerMtok)}`];
      if (t.cachedInputMicrosPerMtok !== null) parts.push(`cached ${usd(t.cachedInputMicrosPerMtok)}`);
      if (t.cacheWriteMicrosPerMtok !== null) parts.push(`write 5m ${usd(t.cacheWriteMicrosPerMtok)}`);
      if (t.cacheWrite1hMicrosPerMtok !== null) parts.push(`write 1h ${usd(t.cacheWrite1hMicrosPerMtok)}`);
      return `above ${t.aboveInputTokens} tokens: ${parts.join(', ')}`;
    })
    .join('; ');
}
