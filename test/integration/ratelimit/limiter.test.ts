/**
 * The limiter against each counter store (memory always; Redis when ASSISTIV_TEST_REDIS_URL is set), with a
 * fake clock: exact counts under concurrency, isolation between users, sliding (not fixed) windows, tpm
 * charged with the estimate and corrected at settlement, release, and the retry-after arithmetic.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from '../../../src/ratelimit/limiter.js';
import type { ResolvedLimits } from '../../../src/ratelimit/limits.js';
import { MemoryRateLimitStore } from '../../../src/ratelimit/memory-store.js';
import { RedisRateLimitStore } from '../../../src/ratelimit/redis-store.js';
import type { RateLimitStore } from '../../../src/ratelimit/store.js';
import type { AdmitResult, Limits, RateTicket } from '../../../src/ratelimit/types.js';
import { redisUrl } from '../../helpers/suites.js';

type StoreFactory = { name: string; make(): RateLimitStore };

const stores: StoreFactory[] = [{ name: 'memory', make: () => new MemoryRateLimitStore({ maxUsers: 1000, maxSlots: 1024 }) }];
if (redisUrl) {
  const url = redisUrl;
  stores.push({
    name: 'redis',
    make: () => new RedisRateLimitStore(url, { keyPrefix: `assistiv-test:${randomBytes(6).toString('hex')}:`, commandTimeoutMs: 2000 }),
  });
}

const limits = (l: Partial<Limits>): Limits => ({ rpm_limit: null, tpm_limit: null, rpd_limit: null, ...l });
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup(factory: StoreFactory, initial: Record<string, Limits>) {
  const clock = { ms: t0 };
  const table = { ...initial };
  const store = factory.make();
  const errors: unknown[] = [];
  const limiter = new SlidingWindowRateLimiter({
    store,
    now: () => clock.ms,
    onError: (err) => errors.push(err),
    limits: {
      resolve: async (_platformId, endUserId): Promise<ResolvedLimits> =>
        table[endUserId] ? { limits: table[endUserId], resolution: 'explicit' } : { limits: limits({}), resolution: 'none' },
    },
  });
  const admit = (endUserId: string, estimatedTokens = 10) =>
    limiter.admit({ requestId: randomBytes(4).toString('hex'), platformId: 'p1', endUserId, estimatedTokens });
  /** settle/release are fire-and-forget; let the store's promise run before the next admission. */
  const flush = () => new Promise((r) => setTimeout(r, 20));
  return { clock, table, store, limiter, admit, flush, errors };
}

const okCount = (results: AdmitResult[]) => results.filter((r) => r.ok).length;
const ticketOf = (r: AdmitResult): RateTicket => {
  if (!r.ok || !r.ticket) throw new Error('expected an admission with a ticket');
  return r.ticket;
};

describe.each(stores)('rate limiter with the $name store', (factory) => {
  const closers: RateLimitStore[] = [];
  const make = (initial: Record<string, Limits>) => {
    const s = setup(factory, initial);
    closers.push(s.store);
    return s;
  };
  afterAll(async () => {
    for (const s of closers) await s.close();
  });

  it('admits exactly 10 of 50 parallel calls with rpm 10', async () => {
    const { admit } = make({ u1: limits({ rpm_limit: 10 }) });
    const results = await Promise.all(Array.from({ length: 50 }, () => admit('u1')));
    expect(okCount(results)).toBe(10);
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({ ok: false, retryAfterSeconds: 60 });
      expect(r.headers['x-ratelimit-remaining-requests']).toBe('0');
    }
  });

  it("one user's limit never affects another's", async () => {
    const { admit } = make({ a: limits({ rpm_limit: 2 }), b: limits({ rpm_limit: 2 }) });
    const results = await Promise.all([...Array.from({ length: 10 }, () => admit('a')), admit('b'), admit('b')]);
    expect(okCount(results.slice(0, 10))).toBe(2);
    expect(results.slice(10).every((r) => r.ok)).toBe(true);
    expect((await admit('c')).ok).toBe(true); // no limits: never refused, no ticket
  });

  it('slides: no burst of twice the limit across a minute boundary', async () => {
    const { admit, clock } = make({ u: limits({ rpm_limit: 5 }) });
    clock.ms = t0 + 59_000; // 5 calls at the end of one fixed minute…
    expect(okCount(await Promise.all(Array.from({ length: 5 }, () => admit('u'))))).toBe(5);
    clock.ms = t0 + 61_000; // …are still counted at the start of the next
    const refused = await admit('u');
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 58 });
    clock.ms = t0 + 59_000 + 59_999;
    expect((await admit('u')).ok).toBe(false);
    clock.ms = t0 + 59_000 + 60_000; // exactly one window after them: all five have left
    expect(okCount(await Promise.all(Array.from({ length: 6 }, () => admit('u'))))).toBe(5);
  });

  it('frees capacity call by call as each one leaves the window', async () => {
    const { admit, clock } = make({ u: limits({ rpm_limit: 3 }) });
    for (const s of [0, 10, 20]) {
      clock.ms = t0 + s * 1000;
      expect((await admit('u')).ok).toBe(true);
    }
    clock.ms = t0 + 30_000;
    const refused = await admit('u');
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    expect(refused.headers['x-ratelimit-reset-requests']).toBe('30s');
    clock.ms = t0 + 60_000;
    expect((await admit('u')).ok).toBe(true);
    expect((await admit('u')).ok).toBe(false);
    clock.ms = t0 + 70_000;
    expect((await admit('u')).ok).toBe(true);
  });

  it('rpd: a sliding 24 h window', async () => {
    const { admit, clock } = make({ u: limits({ rpd_limit: 2 }) });
    expect((await admit('u')).ok).toBe(true);
    clock.ms = t0 + 3_600_000;
    expect((await admit('u')).ok).toBe(true);
    clock.ms = t0 + 23 * 3_600_000;
    const refused = await admit('u');
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 3600 });
    expect(refused.ok || refused.message).toMatch(/requests per day \(rpd\)/);
    clock.ms = t0 + 24 * 3_600_000;
    expect((await admit('u')).ok).toBe(true);
  });

  it('tpm: charged with the estimate at admission, refusing what would exceed it', async () => {
    const { admit } = make({ u: limits({ tpm_limit: 1000 }) });
    expect((await admit('u', 600)).ok).toBe(true);
    const refused = await admit('u', 500);
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 60 });
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '400' });
    expect((await admit('u', 400)).ok).toBe(true);
  });

  it('tpm: a single estimate above the limit is refused as too large', async () => {
    const { admit } = make({ u: limits({ tpm_limit: 1000 }) });
    const refused = await admit('u', 5000);
    expect(refused.ok).toBe(false);
    expect(refused.ok || refused.message).toMatch(/Request too large for tokens per minute \(tpm\): limit 1000, requested 5000/);
    expect((await admit('u', 1000)).ok).toBe(true); // refused calls do not count
  });

  it('tpm: settlement replaces the estimate with the actual tokens', async () => {
    const { admit, limiter, flush } = make({ u: limits({ tpm_limit: 1000 }) });
    const first = await admit('u', 900);
    limiter.settle(ticketOf(first), 100);
    limiter.settle(ticketOf(first), 0); // a second resolution is ignored
    await flush();
    const second = await admit('u', 800);
    expect(second.ok).toBe(true);
    expect(second.headers['x-ratelimit-remaining-tokens']).toBe('100');
  });

  it('release un-counts a call refused after admission (e.g. 402)', async () => {
    const { admit, limiter, flush } = make({ u: limits({ rpm_limit: 1, rpd_limit: 1, tpm_limit: 100 }) });
    const first = await admit('u', 100);
    expect((await admit('u', 1)).ok).toBe(false);
    limiter.release(ticketOf(first));
    await flush();
    const again = await admit('u', 100);
    expect(again.ok).toBe(true);
    expect(again.headers).toMatchObject({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '0' });
  });

  it('headers on admission count the call itself; rpd is reported when it binds', async () => {
    const { admit, clock } = make({ u: limits({ rpm_limit: 10, tpm_limit: 10_000, rpd_limit: 3 }) });
    const first = await admit('u', 250);
    expect(first.headers).toEqual({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '24h0m0s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9750',
      'x-ratelimit-reset-tokens': '1m0s',
    });
    clock.ms += 1500;
    const second = await admit('u', 250);
    expect(second.headers['x-ratelimit-reset-tokens']).toBe('58.5s');
    expect(second.headers['x-ratelimit-remaining-tokens']).toBe('9500');
  });

  it('a limit change applies on the next call', async () => {
    const { admit, table } = make({ u: limits({ rpm_limit: 1 }) });
    expect((await admit('u')).ok).toBe(true);
    expect((await admit('u')).ok).toBe(false);
    table.u = limits({ rpm_limit: 3 });
    expect((await admit('u')).ok).toBe(true);
    table.u = limits({ rpm_limit: 0 });
    const zero = await admit('u');
    expect(zero.ok || zero.message).toMatch(/Rate limit of 0 requests per minute/);
    table.u = limits({});
    const free = await admit('u');
    expect(free).toEqual({ ok: true, ticket: null, headers: {} });
  });
});

describe.skipIf(!redisUrl)('redis store shared by two gateway instances', () => {
  it('admits exactly 10 of 50 calls spread over two limiters with rpm 10', async () => {
    const a = setup(stores[1], { u: limits({ rpm_limit: 10, tpm_limit: 1_000_000, rpd_limit: 100 }) });
    const prefix = `assistiv-test:${randomBytes(6).toString('hex')}:`;
    const storeA = new RedisRateLimitStore(redisUrl!, { keyPrefix: prefix, commandTimeoutMs: 2000 });
    const storeB = new RedisRateLimitStore(redisUrl!, { keyPrefix: prefix, commandTimeoutMs: 2000 });
    const limiterFor = (store: RateLimitStore) =>
      new SlidingWindowRateLimiter({
        store,
        now: () => a.clock.ms,
        onError: () => undefined,
        limits: { resolve: async () => ({ limits: a.table.u, resolution: 'explicit' }) },
      });
    const [la, lb] = [limiterFor(storeA), limiterFor(storeB)];
    const call = (l: SlidingWindowRateLimiter) => l.admit({ requestId: 'r', platformId: 'p1', endUserId: 'u', estimatedTokens: 10 });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(i % 2 === 0 ? la : lb)));
    expect(okCount(results)).toBe(10);
    await Promise.all([storeA.close(), storeB.close(), a.store.close()]);
  });
});
