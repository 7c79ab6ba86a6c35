import { describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from './limiter.js';
import { MemoryRateLimitStore } from './memory-store.js';
import type { RateLimitStore } from './store.js';

describe('SlidingWindowRateLimiter', () => {
  it('admits and reports the error when the store cannot answer (fail open)', async () => {
    const failing = {
      admit: async () => {
        throw new Error('redis unreachable');
      },
      settle: async () => undefined,
      release: async () => undefined,
      close: async () => undefined,
    } as unknown as RateLimitStore;
    const reported: unknown[] = [];
    const limiter = new SlidingWindowRateLimiter({
      store: failing,
      limits: { resolve: async () => ({ limits: { rpm_limit: 1, tpm_limit: null, rpd_limit: null }, resolution: 'explicit' }) } as never,
      now: () => 0,
      onError: (err) => reported.push(err),
    });
    const result = await limiter.admit({ requestId: 'r1', platformId: 'p', endUserId: 'u', estimatedTokens: 10 });
    expect(result).toEqual({ ok: true, ticket: null, headers: {} });
    expect(String(reported[0])).toContain('redis unreachable');
  });
});

describe('the token estimate is read only under a tpm limit', () => {
  const limiterWith = (tpm: number | null) =>
    new SlidingWindowRateLimiter({
      store: new MemoryRateLimitStore({ maxUsers: 10, maxSlots: 16 }),
      limits: { resolve: async () => ({ limits: { rpm_limit: 100, tpm_limit: tpm, rpd_limit: null }, resolution: 'explicit' }) } as never,
      now: () => 0,
      onError: () => undefined,
    });

  it('an rpm limit alone does not count the prompt (the function is never called)', async () => {
    let reads = 0;
    const result = await limiterWith(null).admit({ requestId: 'r', platformId: 'p', endUserId: 'u', estimatedTokens: () => ++reads });
    expect(result.ok).toBe(true);
    expect(reads).toBe(0);
  });

  it('a tpm limit counts it once and charges it', async () => {
    let reads = 0;
    const limiter = limiterWith(1_000);
    const first = await limiter.admit({
      requestId: 'r1',
      platformId: 'p',
      endUserId: 'u',
      estimatedTokens: () => {
        reads += 1;
        return 600;
      },
    });
    expect(first.ok && first.ticket?.estimatedTokens).toBe(600);
    const second = await limiter.admit({
      requestId: 'r2',
      platformId: 'p',
      endUserId: 'u',
      estimatedTokens: () => {
        reads += 1;
        return 600;
      },
    });
    expect(second.ok).toBe(false);
    expect(reads).toBe(2);
  });
});
