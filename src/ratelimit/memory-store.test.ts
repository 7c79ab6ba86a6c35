import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory-store.js';
import type { StoreAdmitInput } from './store.js';

const input = (key: string, nowMs: number, rpm = 10): StoreAdmitInput => ({
  key,
  entryId: `${key}-${nowMs}`,
  nowMs,
  tokens: 1,
  limits: { rpm_limit: rpm, tpm_limit: null, rpd_limit: null },
  windows: { minute: true, day: false },
});

describe('MemoryRateLimitStore bounds', () => {
  it('never tracks more than maxUsers users (least recently active forgotten first)', () => {
    const store = new MemoryRateLimitStore({ maxUsers: 3, maxSlots: 16 });
    for (let i = 0; i < 10; i++) store.admitNow(input(`u${i}`, 1000));
    expect(store.trackedUsers).toBe(3);
  });

  it('forgets the least recently active user first', () => {
    const store = new MemoryRateLimitStore({ maxUsers: 2, maxSlots: 16 });
    store.admitNow(input('a', 0, 1));
    store.admitNow(input('b', 1, 1));
    store.admitNow(input('a', 2, 1)); // refused, but touches a
    store.admitNow(input('c', 3, 1)); // evicts b
    expect(store.admitNow(input('a', 4, 1)).ok).toBe(false); // a's count survived
    expect(store.admitNow(input('b', 5, 1)).ok).toBe(true); // b was forgotten
  });

  it('drops idle users as new calls arrive, one per call, without a sweeper', () => {
    const store = new MemoryRateLimitStore({ maxUsers: 100, maxSlots: 16 });
    for (let i = 0; i < 5; i++) store.admitNow(input(`u${i}`, 0));
    expect(store.trackedUsers).toBe(5);
    for (let i = 0; i < 5; i++) store.admitNow(input('active', 60_000 + i));
    expect(store.trackedUsers).toBe(1);
  });

  it('keeps a user whose calls are still in the window', () => {
    const store = new MemoryRateLimitStore({ maxUsers: 100, maxSlots: 16 });
    store.admitNow(input('a', 0));
    store.admitNow(input('b', 59_999));
    expect(store.trackedUsers).toBe(2);
  });

  it('past maxSlots calls in a window, still never admits more than the limit', () => {
    const store = new MemoryRateLimitStore({ maxUsers: 10, maxSlots: 8 });
    let admitted = 0;
    // 100 calls per simulated second for 3 minutes against rpm 50: at most 50 in any 60 s.
    const times: number[] = [];
    for (let t = 0; t < 180_000; t += 10) {
      if (store.admitNow(input('u', t, 50)).ok) {
        admitted++;
        times.push(t);
      }
    }
    for (let i = 50; i < times.length; i++) expect(times[i] - times[i - 50]).toBeGreaterThanOrEqual(60_000);
    expect(admitted).toBeGreaterThanOrEqual(100);
  });
});
