/**
 * The single-instance counter store: per user, an exact 60 s window and an exact 24 h window in memory.
 * Bounded: at most `maxUsers` users (least recently used evicted first), each window at most `maxSlots`
 * slots; every admission also drops the least recently used user if its windows are empty, so idle users
 * leave without a sweeper. Check-and-record is synchronous, hence atomic under any concurrency.
 */
import { SlidingWindow } from './sliding-window.js';
import {
  dayWindowMs,
  type EntryRef,
  excess,
  minuteWindowMs,
  type RateLimitStore,
  type StoreAdmitInput,
  type StoreAdmitResult,
  type WindowState,
} from './store.js';

export type MemoryStoreOptions = {
  /** Users tracked at once; beyond it the least recently active user's counts are forgotten (fail-open for them). */
  maxUsers: number;
  /** Slots per window and user: calls beyond it in one window are merged (exactness is lost, the bound is kept). */
  maxSlots: number;
};

/** A user's windows, linked in recency order (an intrusive list: O(1) touch and O(1) least-recent lookup). */
type UserWindows = { key: string; minute: SlidingWindow; day: SlidingWindow; older: UserWindows | null; newer: UserWindows | null };

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly users = new Map<string, UserWindows>();
  /** Least and most recently active users. (Map order would do, but V8 skips deleted slots when iterating from the front.) */
  private oldest: UserWindows | null = null;
  private newest: UserWindows | null = null;

  constructor(private readonly opts: MemoryStoreOptions) {}

  /** Users currently tracked (for tests and metrics). */
  get trackedUsers(): number {
    return this.users.size;
  }

  async admit(input: StoreAdmitInput): Promise<StoreAdmitResult> {
    return this.admitNow(input);
  }

  /** The synchronous core: nothing can interleave between the check and the record. */
  admitNow(input: StoreAdmitInput): StoreAdmitResult {
    const { nowMs, limits, windows, tokens } = input;
    this.evictOneIdle(nowMs, input.key);
    const user = this.touch(input.key);
    user.minute.expire(nowMs);
    user.day.expire(nowMs);

    const rpmExcess = windows.minute ? excess(user.minute.requestsTotal, 1, limits.rpm_limit) : 0;
    const tpmExcess = windows.minute ? excess(user.minute.tokensTotal, tokens, limits.tpm_limit) : 0;
    const rpdExcess = windows.day ? excess(user.day.requestsTotal, 1, limits.rpd_limit) : 0;
    if (rpmExcess > 0 || tpmExcess > 0 || rpdExcess > 0) {
      const neverFits = limits.rpm_limit === 0 || limits.rpd_limit === 0 || (limits.tpm_limit !== null && tokens > limits.tpm_limit);
      const retryAfterMs = Math.max(
        rpmExcess > 0 ? user.minute.waitToFree(rpmExcess, 0, nowMs) : 0,
        tpmExcess > 0 ? user.minute.waitToFree(0, tpmExcess, nowMs) : 0,
        rpdExcess > 0 ? user.day.waitToFree(rpdExcess, 0, nowMs) : 0,
      );
      const exceeded = rpmExcess > 0 ? 'rpm' : tpmExcess > 0 ? 'tpm' : 'rpd';
      return { ok: false, state: stateOf(user), exceeded, retryAfterMs, neverFits };
    }
    if (windows.minute) user.minute.push(nowMs, 1, tokens);
    if (windows.day) user.day.push(nowMs, 1, 0);
    return { ok: true, state: stateOf(user) };
  }

  async settle(ref: EntryRef, estimatedTokens: number, actualTokens: number, nowMs: number): Promise<void> {
    if (!ref.windows.minute) return;
    this.users.get(ref.key)?.minute.adjust(ref.atMs, 0, actualTokens - estimatedTokens, nowMs);
  }

  async release(ref: EntryRef, estimatedTokens: number, nowMs: number): Promise<void> {
    const user = this.users.get(ref.key);
    if (!user) return;
    if (ref.windows.minute) user.minute.adjust(ref.atMs, -1, -estimatedTokens, nowMs);
    if (ref.windows.day) user.day.adjust(ref.atMs, -1, 0, nowMs);
  }

  async close(): Promise<void> {
    this.users.clear();
    this.oldest = null;
    this.newest = null;
  }

  private touch(key: string): UserWindows {
    let user = this.users.get(key);
    if (user) {
      this.unlink(user);
    } else {
      if (this.users.size >= this.opts.maxUsers && this.oldest) this.forget(this.oldest);
      user = {
        key,
        minute: new SlidingWindow(minuteWindowMs, this.opts.maxSlots),
        day: new SlidingWindow(dayWindowMs, this.opts.maxSlots),
        older: null,
        newer: null,
      };
      this.users.set(key, user);
    }
    user.older = this.newest;
    if (this.newest) this.newest.newer = user;
    this.newest = user;
    if (!this.oldest) this.oldest = user;
    return user;
  }

  /** Constant work per call: look at the least recently active user only, and drop it if nothing is counted. */
  private evictOneIdle(nowMs: number, except: string): void {
    const user = this.oldest;
    if (!user || user.key === except) return;
    user.minute.expire(nowMs);
    user.day.expire(nowMs);
    if (user.minute.slots === 0 && user.day.slots === 0) this.forget(user);
  }

  private forget(user: UserWindows): void {
    this.unlink(user);
    this.users.delete(user.key);
  }

  private unlink(user: UserWindows): void {
    if (user.older) user.older.newer = user.newer;
    else this.oldest = user.newer;
    if (user.newer) user.newer.older = user.older;
    else this.newest = user.older;
    user.older = null;
    user.newer = null;
  }
}

function stateOf(user: UserWindows): WindowState {
  return {
    minuteRequests: user.minute.requestsTotal,
    minuteTokens: user.minute.tokensTotal,
    dayRequests: user.day.requestsTotal,
    minuteOldestAtMs: user.minute.oldestAtMs(),
    dayOldestAtMs: user.day.oldestAtMs(),
  };
}
