import { describe, expect, it } from 'vitest';
import { InFlightCalls } from './in-flight.js';

describe('InFlightCalls', () => {
  it('is idle at once when nothing runs', async () => {
    const calls = new InFlightCalls();
    expect(await calls.whenIdle(10)).toBe(0);
  });

  it('wakes every waiter when the last call leaves, not before', async () => {
    const calls = new InFlightCalls();
    calls.enter();
    calls.enter();
    const woken: number[] = [];
    const waiters = [calls.whenIdle(5_000).then((n) => woken.push(n)), calls.whenIdle(5_000).then((n) => woken.push(n))];
    calls.leave();
    await new Promise((r) => setTimeout(r, 10));
    expect(woken).toEqual([]);
    calls.leave();
    await Promise.all(waiters);
    expect(woken).toEqual([0, 0]);
    expect(calls.size).toBe(0);
  });

  it('gives up after the timeout with the number still running', async () => {
    const calls = new InFlightCalls();
    calls.enter();
    expect(await calls.whenIdle(20)).toBe(1);
  });
});
