import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

describe('retry backoff', () => {
  const policy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

  it('first retry within 30 s, doubling, never above 1 h, jittered into the upper half', () => {
    const seed = Date.now();
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
          const ceiling = Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
          const delay = retryDelayMs(policy, attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
          expect(delay).toBeLessThanOrEqual(ceiling);
        }),
        { seed },
      );
    } catch (err) {
      throw new Error(`seed ${seed}: ${String(err)}`);
    }
    expect(retryDelayMs(policy, 1, () => 0.999)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(policy, 2, () => 0.999)).toBeGreaterThan(30_000);
    expect(retryDelayMs(policy, 40, () => 0)).toBe(1_800_000);
  });
});
