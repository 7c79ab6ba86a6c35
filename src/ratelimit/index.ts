/** Rate limiting (spec §5, issue 7): the limiter the inference pipeline calls, built from the configuration. */
import type { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { SlidingWindowRateLimiter } from './limiter.js';
import { LimitsCache, type LimitsChanged, limitsChangedEvent } from './limits.js';
import { MemoryRateLimitStore } from './memory-store.js';
import { RedisRateLimitStore } from './redis-store.js';
import type { RateLimitStore } from './store.js';
import type { RateLimiter } from './types.js';

export type { Resolution, ResolvedLimits } from './limits.js';
export { limitsChangedEvent, readLimits } from './limits.js';
export type { RateLimitStore } from './store.js';
export type { AdmitRequest, AdmitResult, Limits, RateLimiter, RateTicket } from './types.js';

/** Bounds with a reason each (style rule 12); the lead may move them into config.limits. */
export const rateLimitDefaults = {
  /** How long a user's limits are cached: another instance's change is seen within this (spec: ≤ 1 s). */
  limitsCacheTtlMs: 1_000,
  /** Cached users' limits, bounded so a user-spraying platform cannot grow memory without limit. */
  limitsCacheMaxEntries: 100_000,
  /** In-memory store: users tracked at once (least recently active evicted first). */
  memoryMaxUsers: 20_000,
  /** In-memory store: slots per window and user; any rpm/rpd up to this is counted exactly (20 B a slot). */
  memoryMaxSlots: 1_024,
  /** Redis store: the hot path waits at most this long for Redis. */
  redisCommandTimeoutMs: 1_000,
  redisKeyPrefix: 'assistiv:rl:',
};

export type RateLimitOptions = typeof rateLimitDefaults;

export type RateLimiterHandle = RateLimiter & { close(): Promise<void> };

export type RateLimiterDeps = {
  db: Kysely<Database>;
  /** Set: counters live in Redis, shared by every instance; unset: in this process's memory. */
  redisUrl: string | undefined;
  now: () => number;
  /** The app's change bus: the management routes announce limit changes on it. */
  events: EventEmitter;
  onError: (err: unknown) => void;
  options?: Partial<RateLimitOptions>;
};

export function createRateLimiter(deps: RateLimiterDeps): RateLimiterHandle {
  const o = { ...rateLimitDefaults, ...deps.options };
  const store: RateLimitStore = deps.redisUrl
    ? new RedisRateLimitStore(deps.redisUrl, { keyPrefix: o.redisKeyPrefix, commandTimeoutMs: o.redisCommandTimeoutMs })
    : new MemoryRateLimitStore({ maxUsers: o.memoryMaxUsers, maxSlots: o.memoryMaxSlots });
  const cache = new LimitsCache(deps.db, { ttlMs: o.limitsCacheTtlMs, maxEntries: o.limitsCacheMaxEntries, now: deps.now });
  const onChange = (change: LimitsChanged) => cache.invalidate(change);
  deps.events.on(limitsChangedEvent, onChange);
  const limiter = new SlidingWindowRateLimiter({ store, limits: cache, now: deps.now, onError: deps.onError });
  return {
    admit: (request) => limiter.admit(request),
    settle: (ticket, actualTokens) => limiter.settle(ticket, actualTokens),
    release: (ticket) => limiter.release(ticket),
    async close() {
      deps.events.off(limitsChangedEvent, onChange);
      await store.close();
    },
  };
}
