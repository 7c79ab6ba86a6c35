/**
 * Money is integer micro-dollars (µUSD) everywhere inside the gateway (spec §0). JSON carries USD
 * numbers with at most 6 decimals; these helpers are the only place the two meet.
 */

export const MICROS_PER_USD = 1_000_000;

export type ParsedAmount = { ok: true; micros: number } | { ok: false; reason: string };

const decimalPattern = /^-?\d+(\.\d{1,6})?$/;

/**
 * Parses a USD amount from a request: a JSON number (or a decimal string) with at most 6 decimals.
 * `sign` says what the field allows. Never trusts float arithmetic: the micros must round-trip exactly.
 */
export function parseUsd(value: unknown, sign: 'positive' | 'non_negative' | 'non_zero'): ParsedAmount {
  let micros: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'must be a finite number' };
    micros = Math.round(value * MICROS_PER_USD);
    if (micros / MICROS_PER_USD !== value) return { ok: false, reason: 'must have at most 6 decimal places' };
  } else if (typeof value === 'string' && decimalPattern.test(value.trim())) {
    const [whole, frac = ''] = value.trim().replace('-', '').split('.');
    micros = Number(whole) * MICROS_PER_USD + Number(frac.padEnd(6, '0'));
    if (value.trim().startsWith('-')) micros = -micros;
  } else {
    return { ok: false, reason: 'must be a number of US dollars with at most 6 decimal places' };
  }
  if (!Number.isSafeInteger(micros)) return { ok: false, reason: 'is too large' };
  if (sign === 'positive' && micros <= 0) return { ok: false, reason: 'must be greater than 0' };
  if (sign === 'non_negative' && micros < 0) return { ok: false, reason: 'must not be negative' };
  if (sign === 'non_zero' && micros === 0) return { ok: false, reason: 'must not be 0' };
  return { ok: true, micros };
}

/** µUSD → a JSON number of dollars (exact for every amount with ≤ 6 decimals below 2^53 µUSD). */
export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** µUSD → "12.345678" with exactly 6 decimals, by integer arithmetic (used by log rows). */
export function microsToFixed(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  const frac = String(abs - whole * MICROS_PER_USD).padStart(6, '0');
  return `${sign}${whole}.${frac}`;
}

/** Integer division rounded half-up, for non-negative numerators. */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  let q = Math.floor(numerator / denominator);
  const r = numerator - q * denominator;
  if (r < 0) q -= 1;
  else if (r >= denominator) q += 1;
  const rem = numerator - q * denominator;
  return rem * 2 >= denominator ? q + 1 : q;
}

/** One long-context tier (spec §2 "Prices"): from `aboveInputTokens` prompt tokens (exclusive) on, the whole call is priced here. */
export type PriceTier = {
  aboveInputTokens: number;
  inputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
  cachedInputMicrosPerMtok: number | null;
  cacheWriteMicrosPerMtok: number | null;
  cacheWrite1hMicrosPerMtok: number | null;
};

/**
 * Prices of one model route, in µUSD per million tokens. A null bucket price falls back to the input price of
 * the level in force (the route's own, or the tier's): spec §2 "Prices". Tiers are ascending by threshold.
 */
export type RoutePrices = {
  inputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
  cachedInputMicrosPerMtok: number | null;
  cacheWriteMicrosPerMtok?: number | null;
  cacheWrite1hMicrosPerMtok?: number | null;
  tiers?: readonly PriceTier[];
};

/** The token buckets a call is billed for. promptTokens counts every prompt token (cache reads and writes included). */
export type BilledTokens = {
  promptTokens: number;
  /** Output tokens, reasoning included. */
  completionTokens: number;
  /** Prompt tokens read from the cache. */
  cachedTokens: number;
  /** Prompt tokens written to the cache for 5 minutes. */
  cacheWriteTokens?: number;
  /** Prompt tokens written to the cache for 1 hour. */
  cacheWrite1hTokens?: number;
};

/** Every bucket's price at one level, fallbacks resolved. */
export type ResolvedPrices = { input: number; cached: number; write5m: number; write1h: number; output: number };

function resolve(level: Omit<PriceTier, 'aboveInputTokens'>): ResolvedPrices {
  const input = level.inputMicrosPerMtok;
  return {
    input,
    cached: level.cachedInputMicrosPerMtok ?? input,
    write5m: level.cacheWriteMicrosPerMtok ?? input,
    write1h: level.cacheWrite1hMicrosPerMtok ?? input,
    output: level.outputMicrosPerMtok,
  };
}

function baseLevel(prices: RoutePrices): Omit<PriceTier, 'aboveInputTokens'> {
  return {
    inputMicrosPerMtok: prices.inputMicrosPerMtok,
    outputMicrosPerMtok: prices.outputMicrosPerMtok,
    cachedInputMicrosPerMtok: prices.cachedInputMicrosPerMtok,
    cacheWriteMicrosPerMtok: prices.cacheWriteMicrosPerMtok ?? null,
    cacheWrite1hMicrosPerMtok: prices.cacheWrite1hMicrosPerMtok ?? null,
  };
}

/** The prices in force for a call of `promptTokens` prompt tokens: the highest tier it exceeds, else the route's. */
export function pricesAt(prices: RoutePrices, promptTokens: number): ResolvedPrices {
  let level = baseLevel(prices);
  for (const tier of prices.tiers ?? []) if (promptTokens > tier.aboveInputTokens) level = tier;
  return resolve(level);
}

/**
 * The cost of one call, computed once (spec §0, §2 "Prices"): at the prices of the tier its whole prompt
 * reaches, cache reads at the cached price, 5-minute and 1-hour cache writes at theirs, the rest of the prompt
 * at the input price, output (reasoning included) at the output price; one sum in BigInt (tokens × prices can
 * pass 2^53), rounded half-up once. Bucket counts that overrun the prompt are clamped to it in that order.
 */
export function costMicros(prices: RoutePrices, tokens: BilledTokens): number {
  const p = pricesAt(prices, tokens.promptTokens);
  const prompt = Math.max(0, tokens.promptTokens);
  const cached = Math.min(Math.max(0, tokens.cachedTokens), prompt);
  const write5m = Math.min(Math.max(0, tokens.cacheWriteTokens ?? 0), prompt - cached);
  const write1h = Math.min(Math.max(0, tokens.cacheWrite1hTokens ?? 0), prompt - cached - write5m);
  const uncached = prompt - cached - write5m - write1h;
  const numerator =
    BigInt(uncached) * BigInt(p.input) +
    BigInt(cached) * BigInt(p.cached) +
    BigInt(write5m) * BigInt(p.write5m) +
    BigInt(write1h) * BigInt(p.write1h) +
    BigInt(Math.max(0, tokens.completionTokens)) * BigInt(p.output);
  const micros = (numerator + 500_000n) / 1_000_000n;
  return micros > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(micros);
}

/**
 * The highest prices a call of up to `promptTokens` prompt tokens could be billed at, for the reservation
 * (spec §5 step 4): every level it could reach (the route's, and each tier it could cross), its most
 * expensive input bucket (a cache write usually) for every prompt token, and its output price.
 */
export function reservePrices(prices: RoutePrices, promptTokens: number): { inputMicrosPerMtok: number; outputMicrosPerMtok: number } {
  const levels = [baseLevel(prices), ...(prices.tiers ?? []).filter((t) => promptTokens > t.aboveInputTokens)].map(resolve);
  return {
    inputMicrosPerMtok: Math.max(...levels.map((l) => Math.max(l.input, l.cached, l.write5m, l.write1h))),
    outputMicrosPerMtok: Math.max(...levels.map((l) => l.output)),
  };
}

/** A markup percentage is kept to 4 decimals (0.0001 %): the billing arithmetic scales it by this. */
export const MARKUP_SCALE = 10_000;

/** True when `markupPercentage` is exactly representable in the markup arithmetic (at most 4 decimals). */
export function isExactMarkup(markupPercentage: number): boolean {
  return Number.isFinite(markupPercentage) && Math.round(markupPercentage * MARKUP_SCALE) / MARKUP_SCALE === markupPercentage;
}

/** What an end-user budget is charged: cost × (1 + markup/100), rounded half-up once. */
export function withMarkupMicros(costMicrosValue: number, markupPercentage: number): number {
  if (markupPercentage <= 0) return costMicrosValue;
  // markup is a percentage with up to 4 decimals: scale to integers before multiplying.
  const markupScaled = Math.round(markupPercentage * MARKUP_SCALE);
  return divRoundHalfUp(costMicrosValue * (1_000_000 + markupScaled), 1_000_000);
}

/** Prices and token counts of a reservation's worst case (spec §5 step 4). */
export type WorstCaseInput = {
  promptTokens: number;
  maxOutputTokens: number;
  inputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
};

/**
 * The most a request may cost before it runs: every prompt token at the input price plus every allowed
 * output token at the output price, rounded half-up like costMicros(). BigInt because a client may ask for a
 * huge max_tokens, and the product of tokens and prices can pass 2^53 before the division.
 */
export function worstCaseMicros(r: WorstCaseInput): number {
  for (const v of [r.promptTokens, r.maxOutputTokens, r.inputMicrosPerMtok, r.outputMicrosPerMtok]) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`worst case needs non-negative integers, got ${v}`);
  }
  const numerator = BigInt(r.promptTokens) * BigInt(r.inputMicrosPerMtok) + BigInt(r.maxOutputTokens) * BigInt(r.outputMicrosPerMtok);
  const micros = (numerator + 500_000n) / 1_000_000n;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  return Number(micros);
}

/** The largest cost whose marked-up charge fits in `budgetMicros` (inverse of withMarkupMicros, rounded down). */
export function costWithinMarkedUpMicros(budgetMicros: number, markupPercentage: number): number {
  if (budgetMicros <= 0) return 0;
  if (markupPercentage <= 0) return budgetMicros;
  const markupScaled = BigInt(Math.round(markupPercentage * MARKUP_SCALE));
  let cost = Number((BigInt(budgetMicros) * 1_000_000n) / (1_000_000n + markupScaled));
  // The division ignores the half-up rounding of the charge: step to the exact answer (a few steps at most).
  while (cost > 0 && withMarkupMicros(cost, markupPercentage) > budgetMicros) cost -= 1;
  while (withMarkupMicros(cost + 1, markupPercentage) <= budgetMicros) cost += 1;
  return cost;
}

/**
 * How many output tokens `availableMicros` pays for after the prompt (for the 402 message). null when
 * the output is free (any number fits).
 */
export function affordableOutputTokens(availableMicros: number, r: Omit<WorstCaseInput, 'maxOutputTokens'>): number | null {
  if (r.outputMicrosPerMtok <= 0) return null;
  const left = BigInt(Math.max(0, availableMicros)) * 1_000_000n - BigInt(r.promptTokens) * BigInt(r.inputMicrosPerMtok);
  if (left <= 0n) return 0;
  const tokens = left / BigInt(r.outputMicrosPerMtok);
  return tokens > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(tokens);
}
