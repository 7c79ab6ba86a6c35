import { describe, expect, it } from 'vitest';
import { type Hold, Holds } from './holds.js';

const hold = (requestId: string, over: Partial<Hold> = {}): Hold => ({
  requestId,
  platformId: 'p1',
  endUserId: 'u1',
  budgetId: 'b1',
  walletMicros: 100,
  budgetMicros: 120,
  ...over,
});

describe('Holds', () => {
  it('counts open and claimed holds until they are dropped, and each is claimed once', () => {
    const holds = new Holds();
    holds.add(hold('r1'));
    holds.add(hold('r2', { budgetId: null, budgetMicros: 0 }));
    expect(holds.walletMicros('p1')).toBe(200);
    expect(holds.budgetMicros('b1')).toBe(120);
    const claimed = holds.claim('r1');
    expect(claimed?.requestId).toBe('r1');
    expect(holds.claim('r1')).toBeUndefined();
    expect(holds.has('r1')).toBe(false);
    expect(holds.walletMicros('p1')).toBe(200);
    if (claimed) holds.drop(claimed);
    expect(holds.walletMicros('p1')).toBe(100);
    expect(holds.budgetMicros('b1')).toBe(0);
  });

  it('restores a dropped hold whose transaction rolled back', () => {
    const holds = new Holds();
    holds.add(hold('r1'));
    const claimed = holds.claim('r1') as Hold;
    holds.drop(claimed);
    holds.restore(claimed);
    expect(holds.walletMicros('p1')).toBe(100);
    expect(holds.budgetMicros('b1')).toBe(120);
    holds.drop(claimed);
    expect(holds.walletMicros('p1')).toBe(0);
  });
});
