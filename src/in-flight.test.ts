import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('is idle at once when nothing is in flight', async () => {
    expect(await new InFlight().whenIdle(10)).toBe(0);
  });

  it('wakes every waiter when the last id ends, not before; an id that was not in flight wakes nobody', async () => {
    const work = new InFlight();
    work.add('a');
    work.add('b');
    const woken: number[] = [];
    const waiters = [work.whenIdle(5_000).then((n) => woken.push(n)), work.whenIdle(5_000).then((n) => woken.push(n))];
    work.delete('a');
    work.delete('a');
    work.delete('never-added');
    await new Promise((r) => setTimeout(r, 10));
    expect(woken).toEqual([]);
    expect(work.has('b')).toBe(true);
    work.delete('b');
    await Promise.all(waiters);
    expect(woken).toEqual([0, 0]);
    expect(work.size).toBe(0);
  });

  it('gives up after the timeout with the number still in flight', async () => {
    const work = new InFlight();
    work.add('a');
    expect(await work.whenIdle(20)).toBe(1);
  });
});
