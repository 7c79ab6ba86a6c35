import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costMicros, divRoundHalfUp, microsToFixed, microsToUsd, parseUsd, withMarkupMicros } from './money.js';

describe('parseUsd', () => {
  it.each([
    [50, 50_000_000],
    [50.0, 50_000_000],
    [0.00012, 120],
    [1.1, 1_100_000],
    ['12.345678', 12_345_678],
    [0.000001, 1],
  ])('parses %s as %i µUSD', (value, micros) => {
    expect(parseUsd(value, 'positive')).toEqual({ ok: true, micros });
  });
  it.each([[0], [-1], [1.1234567], ['abc'], [Number.NaN], [Number.POSITIVE_INFINITY], [null], [{}], ['1e3'], [1e300]])(
    'refuses %s where a positive amount is required',
    (value) => {
      expect(parseUsd(value, 'positive').ok).toBe(false);
    },
  );
  it('allows negative amounts where the field is non-zero', () => {
    expect(parseUsd(-2.5, 'non_zero')).toEqual({ ok: true, micros: -2_500_000 });
    expect(parseUsd(0, 'non_zero').ok).toBe(false);
  });
  it('round-trips every 6-decimal amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e13 }), (micros) => {
        const parsed = parseUsd(microsToUsd(micros), 'positive');
        expect(parsed).toEqual({ ok: true, micros });
        expect(parseUsd(microsToFixed(micros), 'positive')).toEqual({ ok: true, micros });
      }),
    );
  });
});

describe('cost', () => {
  const prices = { inputMicrosPerMtok: 2_500_000, outputMicrosPerMtok: 10_000_000, cachedInputMicrosPerMtok: 1_250_000 };
  it('prices gpt-4o usage exactly', () => {
    // 12 × 2.5 µUSD + 9 × 10 µUSD = 120 µUSD = $0.00012
    expect(costMicros(prices, { promptTokens: 12, completionTokens: 9, cachedTokens: 0 })).toBe(120);
    expect(costMicros(prices, { promptTokens: 12_000, completionTokens: 9_000, cachedTokens: 0 })).toBe(120_000);
    expect(costMicros(prices, { promptTokens: 1_000, completionTokens: 0, cachedTokens: 1_000 })).toBe(1_250);
  });
  it('rounds half up once', () => {
    expect(divRoundHalfUp(1_500_000, 1_000_000)).toBe(2);
    expect(divRoundHalfUp(1_499_999, 1_000_000)).toBe(1);
    expect(divRoundHalfUp(0, 1_000_000)).toBe(0);
  });
  it('equals the exact rational cost rounded half up (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (prompt, completion, cachedRaw, inPrice, outPrice) => {
          const cached = Math.min(cachedRaw, prompt);
          const p = { inputMicrosPerMtok: inPrice, outputMicrosPerMtok: outPrice, cachedInputMicrosPerMtok: null };
          const exact = BigInt(prompt) * BigInt(inPrice) + BigInt(completion) * BigInt(outPrice);
          const expected = (exact * 2n + 1_000_000n) / 2_000_000n;
          expect(BigInt(costMicros(p, { promptTokens: prompt, completionTokens: completion, cachedTokens: cached }))).toBe(expected);
        },
      ),
    );
  });
  it('applies markup to budgets only, rounded half up', () => {
    expect(withMarkupMicros(1_000, 0)).toBe(1_000);
    expect(withMarkupMicros(1_000, 20)).toBe(1_200);
    expect(withMarkupMicros(3, 50)).toBe(5);
  });
  it('formats micros with six decimals', () => {
    expect(microsToFixed(120)).toBe('0.000120');
    expect(microsToFixed(50_000_000)).toBe('50.000000');
    expect(microsToFixed(-1_500_000)).toBe('-1.500000');
  });
});
