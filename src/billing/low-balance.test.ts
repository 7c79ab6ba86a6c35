import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetThresholds, crossedBelow, thresholdSuffix } from './low-balance.js';

describe('low-balance thresholds', () => {
  it("a budget's thresholds: its own, then each percentage of max floored to µUSD, one per amount", () => {
    expect(budgetThresholds(10_000_000, 2_000_000, [50, 20, 5])).toEqual([
      { micros: 2_000_000, percentage: null },
      { micros: 5_000_000, percentage: 50 },
      { micros: 500_000, percentage: 5 },
    ]);
    expect(budgetThresholds(3, null, [50, 12.5])).toEqual([{ micros: 1, percentage: 50 }]);
    expect(budgetThresholds(10_000_000, 0, [])).toEqual([]);
    expect(thresholdSuffix({ micros: 1, percentage: 12.5 })).toBe(':12.5%');
    expect(thresholdSuffix({ micros: 1, percentage: null })).toBe('');
  });

  it('a run of debits from any balance crosses each threshold at most once, exactly when it ends below it (seeded)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
    try {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 40 }),
          fc.integer({ min: 1, max: 1_000_000 }),
          (start, debits, threshold) => {
            let balance = start;
            let crossings = 0;
            for (const d of debits) {
              const after = Math.max(0, balance - d);
              if (crossedBelow(balance, after, threshold)) crossings++;
              balance = after;
            }
            expect(crossings).toBe(start >= threshold && balance < threshold ? 1 : 0);
          },
        ),
        { seed },
      );
    } catch (err) {
      throw new Error(`seed ${seed}: ${String(err)}`);
    }
  });
});
