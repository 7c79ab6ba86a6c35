/**
 * The pipeline's rate limiter (spec §5 step 3): resolve the user's limits, admit or refuse atomically in the
 * store, and describe the outcome in OpenAI's headers. A window counts calls only while a limit on it
 * applies (60 s window: rpm or tpm; 24 h window: rpd); a user without limits costs no store work.
 */
import { randomUUID } from 'node:crypto';
import { formatResetDuration, rateLimitHeaders } from './headers.js';
import type { ResolvedLimits } from './limits.js';
import type { Dimension, EntryRef, RateLimitStore, StoreAdmitResult, Windows } from './store.js';
import type { AdmitRequest, AdmitResult, Limits, RateLimiter, RateTicket } from './types.js';

export type LimitsSource = { resolve(platformId: string, endUserId: string): Promise<ResolvedLimits> };

export type LimiterDeps = {
  store: RateLimitStore;
  limits: LimitsSource;
  now: () => number;
  /** Settle and release are fire-and-forget for the pipeline; a store failure there is reported here. */
  onError: (err: unknown) => void;
};

const names: Record<Dimension, string> = { rpm: 'requests per minute', tpm: 'tokens per minute', rpd: 'requests per day' };

const windowsFor = (l: Limits): Windows => ({ minute: l.rpm_limit !== null || l.tpm_limit !== null, day: l.rpd_limit !== null });

/** Token counts are whole and non-negative (the Redis store keeps integers). */
const wholeTokens = (n: number) => (Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0);

export class SlidingWindowRateLimiter implements RateLimiter {
  /** Tickets already settled or released: each resolves once. */
  private readonly resolved = new WeakSet<RateTicket>();

  constructor(private readonly deps: LimiterDeps) {}

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const { limits } = await this.deps.limits.resolve(request.platformId, request.endUserId);
    const windows = windowsFor(limits);
    if (!windows.minute && !windows.day) return { ok: true, ticket: null, headers: {} };
    // Without a tpm limit nothing reads the estimate now; the settlement records the actual tokens.
    const estimate = request.estimatedTokens;
    const tokens = limits.tpm_limit === null ? 0 : wholeTokens(typeof estimate === 'function' ? estimate() : estimate);
    const entryId = randomUUID();
    const nowMs = this.deps.now();
    let result: StoreAdmitResult;
    try {
      result = await this.deps.store.admit({
        key: userKey(request.platformId, request.endUserId),
        entryId,
        nowMs,
        tokens,
        limits,
        windows,
      });
    } catch (err) {
      // Fail open: a shared store (Redis) that cannot answer must not stop all traffic. Money stays
      // protected by the reservations; the outage is reported, and the call is not counted.
      this.deps.onError(err);
      return { ok: true, ticket: null, headers: {} };
    }
    const headers = rateLimitHeaders(limits, result.state, nowMs);
    if (!result.ok) {
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
        headers,
        message: refusal(result, limits, tokens),
      };
    }
    const ticket: RateTicket = {
      requestId: request.requestId,
      platformId: request.platformId,
      endUserId: request.endUserId,
      estimatedTokens: tokens,
      at: nowMs,
      entry: { id: entryId, ...windows },
    };
    return { ok: true, ticket, headers };
  }

  settle(ticket: RateTicket, actualTokens: number): void {
    const ref = this.claim(ticket);
    if (!ref) return;
    this.deps.store.settle(ref, ticket.estimatedTokens, wholeTokens(actualTokens), this.deps.now()).catch(this.deps.onError);
  }

  release(ticket: RateTicket): void {
    const ref = this.claim(ticket);
    if (!ref) return;
    this.deps.store.release(ref, ticket.estimatedTokens, this.deps.now()).catch(this.deps.onError);
  }

  private claim(ticket: RateTicket): EntryRef | null {
    if (!ticket.entry || this.resolved.has(ticket)) return null;
    this.resolved.add(ticket);
    const { id, minute, day } = ticket.entry;
    return { key: userKey(ticket.platformId, ticket.endUserId), entryId: id, atMs: ticket.at, windows: { minute, day } };
  }
}

const userKey = (platformId: string, endUserId: string) => `${platformId}:${endUserId}`;

function refusal(result: Extract<StoreAdmitResult, { ok: false }>, limits: Limits, tokens: number): string {
  const d = result.exceeded;
  const label = `${names[d]} (${d})`;
  if (result.neverFits) {
    if (d === 'tpm') {
      return `Request too large for ${label}: limit ${limits.tpm_limit}, requested ${tokens} tokens (prompt estimate plus max output). Lower max_tokens or shorten the prompt.`;
    }
    return `Rate limit of 0 ${label}: this end user may not make calls.`;
  }
  const used = d === 'rpm' ? result.state.minuteRequests : d === 'tpm' ? result.state.minuteTokens : result.state.dayRequests;
  const limit = d === 'rpm' ? limits.rpm_limit : d === 'tpm' ? limits.tpm_limit : limits.rpd_limit;
  const requested = d === 'tpm' ? `, requested ${tokens}` : '';
  return `Rate limit reached for ${label}: limit ${limit}, used ${used}${requested}. Try again in ${formatResetDuration(result.retryAfterMs)}.`;
}
