/** Maps a provider's HTTP status to the gateway's upstream error classes (spec §1 and §5 step 5). */
import { redactSecrets } from './redact.js';
import type { UpstreamError } from './types.js';

type Headers = Record<string, string | string[] | undefined>;

/** Longest `retry-after` we pass on; a provider asking for more is still honoured as "later". */
const RETRY_AFTER_MAX_SECONDS = 3600;

/**
 * Classifies by status alone: 429 rate_limited; 5xx (and Anthropic's 529) server; 401/403 auth, retryable
 * because the next route may hold another key; every other 4xx the request's own fault, final.
 */
export function classifyStatus(status: number, message: string, retryAfterSeconds?: number): UpstreamError {
  const safe = redactSecrets(message);
  if (status === 429) {
    const error: UpstreamError = { kind: 'rate_limited', status, retryable: true, message: safe };
    if (retryAfterSeconds !== undefined) error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }
  if (status >= 500) return { kind: 'server', status, retryable: true, message: safe };
  if (status === 401 || status === 403) return { kind: 'auth', status, retryable: true, message: safe };
  if (status >= 400) return { kind: 'invalid_request', status, retryable: false, message: safe };
  return { kind: 'bad_response', status, retryable: true, message: safe };
}

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads `retry-after` (seconds or HTTP date) or `retry-after-ms`; whole seconds, rounded up. */
export function retryAfterSeconds(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return clampSeconds(Number(ms) / 1000);
  const raw = headerValue(headers, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return clampSeconds(Number(raw));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : clampSeconds((date - nowMs) / 1000);
}

function clampSeconds(seconds: number): number {
  return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(0, Math.ceil(seconds)));
}

/** A message for bodies we could not parse: the status plus a short, redacted excerpt. */
export function fallbackMessage(status: number, bodyText: string): string {
  const excerpt = bodyText.trim().slice(0, 200);
  return excerpt === '' ? `upstream answered HTTP ${status}` : `upstream answered HTTP ${status}: ${excerpt}`;
}
