/** When a failed delivery is tried again (spec §6): exponential backoff with jitter, capped. */

export type RetryPolicy = {
  /** The delay before the first retry at most (spec: within 30 s); each later one doubles. */
  baseDelayMs: number;
  /** No retry waits longer than this (spec: 1 h). */
  maxDelayMs: number;
};

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 60 * 60 * 1000 };

/**
 * The wait after attempt `failedAttempt` (1-based) failed: base · 2^(attempt−1), capped, then jittered into
 * [half, whole] so endpoints that failed together do not all come back in the same second.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const doubled = policy.baseDelayMs * 2 ** Math.min(Math.max(failedAttempt - 1, 0), 30);
  const ceiling = Math.min(doubled, policy.maxDelayMs);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
