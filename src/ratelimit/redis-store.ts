/**
 * The shared counter store for several gateway instances (REDIS_URL): per user, a sorted set of calls in
 * the 60 s window (score = time, member = entry id) with a hash of their token charges and a running token
 * total, and a sorted set for the 24 h window. One Lua script checks and records an admission atomically;
 * entries are exact (one member per call) and bounded by the limits themselves; keys expire with their window.
 */
import { Redis } from 'ioredis';
import {
  type Dimension,
  dayWindowMs,
  type EntryRef,
  minuteWindowMs,
  type RateLimitStore,
  type StoreAdmitInput,
  type StoreAdmitResult,
  type WindowState,
} from './store.js';

/** KEYS: 1 minute zset, 2 minute token hash, 3 minute token total, 4 day zset. Limits < 0 mean unlimited. */
const admitLua = `
local now = tonumber(ARGV[1])
local id = ARGV[2]
local est = tonumber(ARGV[3])
local rpm, tpm, rpd = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local useMinute, useDay = ARGV[7] == '1', ARGV[8] == '1'
local minuteMs, dayMs = tonumber(ARGV[9]), tonumber(ARGV[10])

local mReq, mTok, dReq = 0, 0, 0
if useMinute then
  local cutoff = now - minuteMs
  local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
  if #expired > 0 then
    local freed = 0
    for i = 1, #expired, 500 do
      local chunk = {}
      for j = i, math.min(i + 499, #expired) do chunk[#chunk + 1] = expired[j] end
      local charges = redis.call('HMGET', KEYS[2], unpack(chunk))
      for k = 1, #charges do freed = freed + (tonumber(charges[k]) or 0) end
      redis.call('HDEL', KEYS[2], unpack(chunk))
    end
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
    redis.call('DECRBY', KEYS[3], freed)
  end
  mReq = redis.call('ZCARD', KEYS[1])
  if mReq == 0 then redis.call('DEL', KEYS[3]) end
  mTok = tonumber(redis.call('GET', KEYS[3]) or '0')
end
if useDay then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - dayMs)
  dReq = redis.call('ZCARD', KEYS[4])
end

local function oldest(key)
  local e = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if #e == 0 then return -1 end
  return tonumber(e[2])
end

-- the time the n-th oldest member leaves the window
local function nthLeaves(key, n, windowMs)
  local e = redis.call('ZRANGE', key, n - 1, n - 1, 'WITHSCORES')
  if #e == 0 then return windowMs end
  return tonumber(e[2]) + windowMs - now
end

local exceeded = ''
local wait = 0
local never = 0
if rpm >= 0 and mReq + 1 > rpm then
  exceeded = 'rpm'
  if rpm == 0 then never = 1; wait = minuteMs else wait = nthLeaves(KEYS[1], mReq + 1 - rpm, minuteMs) end
end
if tpm >= 0 and mTok + est > tpm then
  if exceeded == '' then exceeded = 'tpm' end
  local need = mTok + est - tpm
  local w = minuteMs
  if est > tpm then
    never = 1
  else
    local freed = 0
    local total = mReq
    local done = false
    for start = 0, total - 1, 200 do
      local page = redis.call('ZRANGE', KEYS[1], start, start + 199, 'WITHSCORES')
      local ids = {}
      for k = 1, #page, 2 do ids[#ids + 1] = page[k] end
      if #ids == 0 then break end
      local charges = redis.call('HMGET', KEYS[2], unpack(ids))
      for k = 1, #ids do
        freed = freed + (tonumber(charges[k]) or 0)
        if freed >= need then
          w = tonumber(page[2 * k]) + minuteMs - now
          done = true
          break
        end
      end
      if done then break end
    end
  end
  if w > wait then wait = w end
end
if rpd >= 0 and dReq + 1 > rpd then
  if exceeded == '' then exceeded = 'rpd' end
  local w
  if rpd == 0 then never = 1; w = dayMs else w = nthLeaves(KEYS[4], dReq + 1 - rpd, dayMs) end
  if w > wait then wait = w end
end

if exceeded == '' then
  if useMinute then
    redis.call('ZADD', KEYS[1], now, id)
    redis.call('HSET', KEYS[2], id, est)
    redis.call('INCRBY', KEYS[3], est)
    for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], minuteMs) end
    mReq = mReq + 1
    mTok = mTok + est
  end
  if useDay then
    redis.call('ZADD', KEYS[4], now, id)
    redis.call('PEXPIRE', KEYS[4], dayMs)
    dReq = dReq + 1
  end
end
return { exceeded, wait, never, mReq, mTok, dReq, oldest(KEYS[1]), oldest(KEYS[4]) }
`;

/** KEYS: 1 minute token hash, 2 minute token total. ARGV: entry id, actual tokens. */
const settleLua = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], tonumber(ARGV[2]) - tonumber(old))
return 1
`;

/** KEYS: 1 minute zset, 2 minute token hash, 3 minute token total, 4 day zset. ARGV: entry id. */
const releaseLua = `
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DECRBY', KEYS[3], tonumber(old))
end
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
`;

type Scripts = {
  assistivRlAdmit(...args: Array<string | number>): Promise<[string, number, number, number, number, number, number, number]>;
  assistivRlSettle(...args: Array<string | number>): Promise<number>;
  assistivRlRelease(...args: Array<string | number>): Promise<number>;
};

export type RedisStoreOptions = {
  /** Prefix for every key, so several gateways (or tests) can share one Redis. */
  keyPrefix: string;
  /** The hot path waits at most this long for Redis before the call fails. */
  commandTimeoutMs: number;
};

export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis & Scripts;

  constructor(
    url: string,
    private readonly opts: RedisStoreOptions,
  ) {
    const redis = new Redis(url, {
      commandTimeout: opts.commandTimeoutMs,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    redis.defineCommand('assistivRlAdmit', { numberOfKeys: 4, lua: admitLua });
    redis.defineCommand('assistivRlSettle', { numberOfKeys: 2, lua: settleLua });
    redis.defineCommand('assistivRlRelease', { numberOfKeys: 4, lua: releaseLua });
    this.redis = redis as Redis & Scripts;
  }

  /** Hash-tagged so one user's keys live on one cluster slot (a script may only touch one slot). */
  private keys(key: string) {
    const base = `${this.opts.keyPrefix}{${key}}`;
    return { minute: `${base}:m`, charges: `${base}:mt`, total: `${base}:mtot`, day: `${base}:d` };
  }

  async admit(input: StoreAdmitInput): Promise<StoreAdmitResult> {
    const k = this.keys(input.key);
    const { limits } = input;
    const [exceeded, wait, never, mReq, mTok, dReq, mOldest, dOldest] = await this.redis.assistivRlAdmit(
      k.minute,
      k.charges,
      k.total,
      k.day,
      input.nowMs,
      input.entryId,
      input.tokens,
      limits.rpm_limit ?? -1,
      limits.tpm_limit ?? -1,
      limits.rpd_limit ?? -1,
      input.windows.minute ? '1' : '0',
      input.windows.day ? '1' : '0',
      minuteWindowMs,
      dayWindowMs,
    );
    const state: WindowState = {
      minuteRequests: Number(mReq),
      minuteTokens: Number(mTok),
      dayRequests: Number(dReq),
      minuteOldestAtMs: Number(mOldest) < 0 ? null : Number(mOldest),
      dayOldestAtMs: Number(dOldest) < 0 ? null : Number(dOldest),
    };
    if (exceeded === '') return { ok: true, state };
    return { ok: false, state, exceeded: exceeded as Dimension, retryAfterMs: Number(wait), neverFits: Number(never) === 1 };
  }

  async settle(ref: EntryRef, _estimatedTokens: number, actualTokens: number): Promise<void> {
    if (!ref.windows.minute) return;
    const k = this.keys(ref.key);
    await this.redis.assistivRlSettle(k.charges, k.total, ref.entryId, actualTokens);
  }

  async release(ref: EntryRef): Promise<void> {
    const k = this.keys(ref.key);
    await this.redis.assistivRlRelease(k.minute, k.charges, k.total, k.day, ref.entryId);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
