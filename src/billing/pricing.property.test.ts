/**
 * The cost of a call with every bucket and long-context tiers (spec §2 "Prices"), against an independent
 * big-integer computation, and the reservation's prices against every cost the reserved call could have
 * (fast-check; the seed is printed for replay).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BilledTokens, costMicros, type PriceTier, type RoutePrices, reservePrices, worstCaseMicros } from './money.js';

const seed = Number(process.env.PRICING_SEED ?? Date.now() % 2 ** 31);
const params = { seed, numRuns: 1000 };
process.stdout.write(`[pricing properties] seed=${seed} (replay with PRICING_SEED=${seed})\n`);

/** µUSD per Mtok up to $1,000,000 (the admin API's bound), often small and often absent. */
const price = fc.oneof(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 1_000_000_000_000 }));
const maybePrice = fc.option(price, { nil: null });

const level = fc.record({
  inputMicrosPerMtok: price,
  outputMicrosPerMtok: price,
  cachedInputMicrosPerMtok: maybePrice,
  cacheWriteMicrosPerMtok: maybePrice,
  cacheWrite1hMicrosPerMtok: maybePrice,
});

const routePrices: fc.Arbitrary<RoutePrices> = fc
  .tuple(level, fc.uniqueArray(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 3 }), fc.array(level, { minLength: 3, maxLength: 3 }))
  .map(([base, thresholds, levels]) => ({
    ...base,
    tiers: [...thresholds].sort((a, b) => a - b).map((aboveInputTokens, i): PriceTier => ({ aboveInputTokens, ...levels[i] })),
  }));

/** A usage whose buckets fit the prompt, as plausibleUsage() guarantees. */
const tokens: fc.Arbitrary<BilledTokens> = fc
  .tuple(
    fc.integer({ min: 1, max: 4_000_000 }),
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([prompt, completion, a, b, c]) => {
    const cachedTokens = Math.floor(prompt * a);
    const cacheWriteTokens = Math.floor((prompt - cachedTokens) * b);
    const cacheWrite1hTokens = Math.floor((prompt - cachedTokens - cacheWriteTokens) * c);
    return { promptTokens: prompt, completionTokens: completion, cachedTokens, cacheWriteTokens, cacheWrite1hTokens };
  });

/** The spec's formula, written apart from money.ts: pick the tier by scanning from the top, price each bucket, round half up. */
function expectedCost(p: RoutePrices, t: BilledTokens): bigint {
  const tiers = [...(p.tiers ?? [])].reverse();
  const lvl = tiers.find((tier) => t.promptTokens > tier.aboveInputTokens) ?? p;
  const input = BigInt(lvl.inputMicrosPerMtok);
  const or = (v: number | null | undefined) => (v === null || v === undefined ? input : BigInt(v));
  const w5 = BigInt(t.cacheWriteTokens ?? 0);
  const w1 = BigInt(t.cacheWrite1hTokens ?? 0);
  const cached = BigInt(t.cachedTokens);
  const uncached = BigInt(t.promptTokens) - cached - w5 - w1;
  const sixDecimals =
    uncached * input +
    cached * or(lvl.cachedInputMicrosPerMtok) +
    w5 * or(lvl.cacheWriteMicrosPerMtok) +
    w1 * or(lvl.cacheWrite1hMicrosPerMtok) +
    BigInt(t.completionTokens) * BigInt(lvl.outputMicrosPerMtok);
  const whole = sixDecimals / 1_000_000n;
  return sixDecimals % 1_000_000n >= 500_000n ? whole + 1n : whole;
}

describe('costMicros with cache buckets and tiers', () => {
  it('equals an independent big-integer computation of the spec formula (property)', () => {
    fc.assert(
      fc.property(routePrices, tokens, (p, t) => {
        const expected = expectedCost(p, t);
        const capped = expected > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : expected;
        expect(BigInt(costMicros(p, t))).toBe(capped);
      }),
      params,
    );
  });

  it('prices a worked example to the µUSD: Claude with cache reads, both writes, and the 200k tier', () => {
    const sonnet: RoutePrices = {
      inputMicrosPerMtok: 3_000_000,
      outputMicrosPerMtok: 15_000_000,
      cachedInputMicrosPerMtok: 300_000,
      cacheWriteMicrosPerMtok: 3_750_000,
      cacheWrite1hMicrosPerMtok: 6_000_000,
      tiers: [
        {
          aboveInputTokens: 200_000,
          inputMicrosPerMtok: 6_000_000,
          outputMicrosPerMtok: 22_500_000,
          cachedInputMicrosPerMtok: 600_000,
          cacheWriteMicrosPerMtok: 7_500_000,
          cacheWrite1hMicrosPerMtok: 12_000_000,
        },
      ],
    };
    const t = { promptTokens: 10_000, completionTokens: 500, cachedTokens: 6_000, cacheWriteTokens: 2_000, cacheWrite1hTokens: 1_000 };
    // 1,000 × 3 + 6,000 × 0.3 + 2,000 × 3.75 + 1,000 × 6 + 500 × 15 = 25,800 µUSD
    expect(costMicros(sonnet, t)).toBe(25_800);
    // 200,000 prompt tokens is not above the tier; 200,001 prices the whole call at it.
    expect(costMicros(sonnet, { promptTokens: 200_000, completionTokens: 0, cachedTokens: 0 })).toBe(600_000);
    expect(costMicros(sonnet, { promptTokens: 200_001, completionTokens: 1, cachedTokens: 0 })).toBe(1_200_029);
    // An absent bucket price falls back to the input price of the level in force.
    const bare = { inputMicrosPerMtok: 1_000_000, outputMicrosPerMtok: 0, cachedInputMicrosPerMtok: null };
    expect(
      costMicros(bare, { promptTokens: 30, completionTokens: 0, cachedTokens: 10, cacheWriteTokens: 10, cacheWrite1hTokens: 10 }),
    ).toBe(30);
  });

  it('the reservation covers every cost the reserved call could have (property)', () => {
    fc.assert(
      fc.property(routePrices, tokens, fc.integer({ min: 0, max: 2_000_000 }), (p, t, extraOutput) => {
        const reservePrompt = t.promptTokens;
        const maxOutputTokens = t.completionTokens + extraOutput;
        const worst = reservePrices(p, reservePrompt);
        const reserved = worstCaseMicros({ promptTokens: reservePrompt, maxOutputTokens, ...worst });
        expect(costMicros(p, t)).toBeLessThanOrEqual(reserved);
      }),
      params,
    );
  });

  it('reserves at the tier a prompt could cross and at the dearest input bucket', () => {
    const pro: RoutePrices = {
      inputMicrosPerMtok: 1_250_000,
      outputMicrosPerMtok: 10_000_000,
      cachedInputMicrosPerMtok: 310_000,
      tiers: [
        {
          aboveInputTokens: 200_000,
          inputMicrosPerMtok: 2_500_000,
          outputMicrosPerMtok: 15_000_000,
          cachedInputMicrosPerMtok: 625_000,
          cacheWriteMicrosPerMtok: null,
          cacheWrite1hMicrosPerMtok: null,
        },
      ],
    };
    expect(reservePrices(pro, 200_000)).toEqual({ inputMicrosPerMtok: 1_250_000, outputMicrosPerMtok: 10_000_000 });
    expect(reservePrices(pro, 200_001)).toEqual({ inputMicrosPerMtok: 2_500_000, outputMicrosPerMtok: 15_000_000 });
    const claude = {
      inputMicrosPerMtok: 3_000_000,
      outputMicrosPerMtok: 15_000_000,
      cachedInputMicrosPerMtok: 300_000,
      cacheWrite1hMicrosPerMtok: 6_000_000,
    };
    expect(reservePrices(claude, 10)).toEqual({ inputMicrosPerMtok: 6_000_000, outputMicrosPerMtok: 15_000_000 });
  });
});
