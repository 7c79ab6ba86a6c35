import { describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from './limiter.js';
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
