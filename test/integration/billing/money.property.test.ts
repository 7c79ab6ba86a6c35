/** Properties of the money arithmetic the engine relies on (fast-check; the seed is printed for replay). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affordableOutputTokens,
  costMicros,
  costWithinMarkedUpMicros,
  withMarkupMicros,
  worstCaseMicros,
} from '../../../src/billing/money.js';

const seed = Number(process.env.MONEY_SEED ?? Date.now() % 2 ** 31);
const params = { seed, numRuns: 500 };
process.stdout.write(`[money properties] seed=${seed} (replay with MONEY_SEED=${seed})\n`);

const price = fc.integer({ min: 0, max: 200_000_000 }); // up to $200 per million tokens
const tokens = fc.integer({ min: 0, max: 2_000_000 });
const markup = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 1_000_000 }).map((m) => m / 100),
); // 0–10,000 %, 2 decimals

describe('money properties', () => {
  it('the worst case covers every actual usage within the reservation', () => {
    fc.assert(
      fc.property(tokens, tokens, price, price, fc.nat(), fc.nat(), fc.nat(), (prompt, maxOut, inP, outP, a, b, c) => {
        const worst = worstCaseMicros({
          promptTokens: prompt,
          maxOutputTokens: maxOut,
          inputMicrosPerMtok: inP,
          outputMicrosPerMtok: outP,
        });
        const used = {
          promptTokens: prompt ? a % (prompt + 1) : 0,
          completionTokens: maxOut ? b % (maxOut + 1) : 0,
          cachedTokens: prompt ? c % (prompt + 1) : 0,
        };
        const cachedPrice = inP ? c % (inP + 1) : 0;
        expect(
          costMicros({ inputMicrosPerMtok: inP, outputMicrosPerMtok: outP, cachedInputMicrosPerMtok: cachedPrice }, used),
        ).toBeLessThanOrEqual(worst);
        expect(worst).toBe(
          costMicros(
            { inputMicrosPerMtok: inP, outputMicrosPerMtok: outP, cachedInputMicrosPerMtok: null },
            { promptTokens: prompt, completionTokens: maxOut, cachedTokens: 0 },
          ),
        );
      }),
      params,
    );
  });

  it('markup is monotonic and never charges a budget less than the cost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 0, max: 1e6 }), markup, (a, d, m) => {
        expect(withMarkupMicros(a, m)).toBeGreaterThanOrEqual(a);
        expect(withMarkupMicros(a + d, m)).toBeGreaterThanOrEqual(withMarkupMicros(a, m));
      }),
      params,
    );
  });

  it('costWithinMarkedUpMicros is the largest cost whose marked-up charge fits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e10 }), markup, (budget, m) => {
        const c = costWithinMarkedUpMicros(budget, m);
        expect(withMarkupMicros(c, m)).toBeLessThanOrEqual(budget);
        expect(withMarkupMicros(c + 1, m)).toBeGreaterThan(budget);
      }),
      params,
    );
  });

  it('affordableOutputTokens is the most output tokens whose exact cost fits the balance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 }),
        tokens,
        price,
        fc.integer({ min: 1, max: 200_000_000 }),
        (available, prompt, inP, outP) => {
          const k = affordableOutputTokens(available, { promptTokens: prompt, inputMicrosPerMtok: inP, outputMicrosPerMtok: outP })!;
          const exact = (n: number) => BigInt(prompt) * BigInt(inP) + BigInt(n) * BigInt(outP);
          if (k > 0) expect(exact(k) <= BigInt(available) * 1_000_000n).toBe(true);
          if (k < Number.MAX_SAFE_INTEGER) expect(exact(k + 1) > BigInt(available) * 1_000_000n).toBe(true);
        },
      ),
      params,
    );
  });

  it('worstCaseMicros stays exact where float products would not (huge max_tokens)', () => {
    expect(worstCaseMicros({ promptTokens: 0, maxOutputTokens: 2 ** 40, inputMicrosPerMtok: 0, outputMicrosPerMtok: 75_000_000 })).toBe(
      82_463_372_083_200,
    );
    expect(() => worstCaseMicros({ promptTokens: -1, maxOutputTokens: 1, inputMicrosPerMtok: 1, outputMicrosPerMtok: 1 })).toThrow(
      RangeError,
    );
  });
});
