/**
 * OpenAI's rate-limit headers (spec §5): `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`.
 * - requests: the binding request limit, i.e. rpm or rpd, whichever has fewer calls remaining (rpm on a tie).
 * - tokens: tpm.
 * - reset: time until the oldest call counted in that window leaves it, i.e. when `remaining` next goes up
 *   ("0s" for an empty window), in OpenAI's duration format (`120ms`, `6s`, `2.5s`, `1m0s`, `23h59m59s`).
 * A header group is sent only when its limit applies.
 */
import { dayWindowMs, minuteWindowMs, type WindowState } from './store.js';
import type { Limits } from './types.js';

/** Go's time.Duration text at millisecond precision, which OpenAI's headers use. */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const secondsMs = total % 60_000;
  const seconds = `${Math.floor(secondsMs / 1000)}${
    secondsMs % 1000 === 0
      ? ''
      : `.${String(secondsMs % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
  }s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

const resetOf = (oldestAtMs: number | null, windowMs: number, nowMs: number) => (oldestAtMs === null ? 0 : oldestAtMs + windowMs - nowMs);

export function rateLimitHeaders(limits: Limits, state: WindowState, nowMs: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const candidates: Array<{ limit: number; remaining: number; resetMs: number }> = [];
  if (limits.rpm_limit !== null) {
    candidates.push({
      limit: limits.rpm_limit,
      remaining: limits.rpm_limit - state.minuteRequests,
      resetMs: resetOf(state.minuteOldestAtMs, minuteWindowMs, nowMs),
    });
  }
  if (limits.rpd_limit !== null) {
    candidates.push({
      limit: limits.rpd_limit,
      remaining: limits.rpd_limit - state.dayRequests,
      resetMs: resetOf(state.dayOldestAtMs, dayWindowMs, nowMs),
    });
  }
  const binding = candidates.reduce<(typeof candidates)[number] | null>((a, c) => (a === null || c.remaining < a.remaining ? c : a), null);
  if (binding) {
    headers['x-ratelimit-limit-requests'] = String(binding.limit);
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, binding.remaining));
    headers['x-ratelimit-reset-requests'] = formatResetDuration(binding.resetMs);
  }
  if (limits.tpm_limit !== null) {
    headers['x-ratelimit-limit-tokens'] = String(limits.tpm_limit);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(limits.tpm_limit - state.minuteTokens)));
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(resetOf(state.minuteOldestAtMs, minuteWindowMs, nowMs));
  }
  return headers;
}
