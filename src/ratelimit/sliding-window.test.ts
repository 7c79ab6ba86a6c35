import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window.js';

describe('SlidingWindow', () => {
  it('counts a call until exactly windowMs after it', () => {
    const w = new SlidingWindow(60_000, 100);
    w.push(1000, 1, 50);
    w.expire(60_999);
    expect([w.requestsTotal, w.tokensTotal]).toEqual([1, 50]);
    w.expire(61_000);
    expect([w.requestsTotal, w.tokensTotal, w.slots]).toEqual([0, 0, 0]);
  });

  it('grows, wraps around and keeps time order', () => {
    const w = new SlidingWindow(10, 64);
    for (let t = 0; t < 200; t++) {
      w.expire(t);
      w.push(t, 1, 1);
      expect(w.requestsTotal).toBe(Math.min(t + 1, 10));
      expect(w.oldestAtMs()).toBe(Math.max(0, t - 9));
    }
  });

  it('waitToFree finds when enough requests or tokens have left', () => {
    const w = new SlidingWindow(60_000, 100);
    w.push(0, 1, 100);
    w.push(10_000, 1, 300);
    w.push(20_000, 1, 50);
    expect(w.waitToFree(1, 0, 30_000)).toBe(30_000);
    expect(w.waitToFree(2, 0, 30_000)).toBe(40_000);
    expect(w.waitToFree(0, 101, 30_000)).toBe(40_000);
    expect(w.waitToFree(0, 1000, 30_000)).toBe(60_000); // never enough: a whole window
  });

  it('adjust finds a call by time, and ignores one that has left', () => {
    const w = new SlidingWindow(60_000, 100);
    w.push(0, 1, 100);
    w.push(5, 1, 100);
    expect(w.adjust(5, 0, -60, 10)).toBe(true);
    expect(w.tokensTotal).toBe(140);
    expect(w.adjust(0, -1, -100, 60_000)).toBe(false);
    w.expire(60_000);
    expect([w.requestsTotal, w.tokensTotal]).toEqual([1, 40]);
  });

  it('at capacity merges the oldest calls so they leave late, never early', () => {
    const w = new SlidingWindow(100, 2);
    w.push(0, 1, 0);
    w.push(10, 1, 0);
    w.push(20, 1, 0); // merges the calls at 0 and 10 under time 10
    expect(w.slots).toBe(2);
    expect(w.requestsTotal).toBe(3);
    w.expire(100);
    expect(w.requestsTotal).toBe(3); // the call at 0 is still counted: conservative
    w.expire(110);
    expect(w.requestsTotal).toBe(1);
  });
});
