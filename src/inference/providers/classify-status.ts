/** Maps a provider's HTTP status to the gateway's upstream error classes (spec §1 and §5 step 5). */
import { isRecord } from './json.js';
import { redactSecrets } from './redact.js';
import type { UpstreamError } from './types.js';

type Headers = Record<string, string | string[] | undefined>;

/** Longest `retry-after` we pass on; a provider asking for more is still honoured as "later". */
const RETRY_AFTER_MAX_SECONDS = 3600;

/** Longest provider message passed on (a paragraph); cut after redaction, so no key half survives. */
const MAX_MESSAGE_CHARS = 500;

/** Longest excerpt of a plain-text error body shown when the body carries no message of its own. */
const MAX_EXCERPT_CHARS = 200;

/**
 * Classifies by status alone: 429 rate_limited; 5xx (and Anthropic's 529) server; 401/403 auth, retryable
 * because the next route may hold another key; every other 4xx the request's own fault, final.
 */
export function classifyStatus(status: number, message: string, retryAfterSeconds?: number): UpstreamError {
  const safe = clip(redactSecrets(message).trim(), MAX_MESSAGE_CHARS) || `the provider answered HTTP ${status}`;
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

function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * The human message in an error body, whatever the provider: OpenAI `{error:{message}}`, Anthropic
 * `{type:'error',error:{type,message}}`, Google `{error:{code,message,status}}` (also as a one-element
 * array), and compatible servers' `{error:"…"}`, `{message:"…"}`, FastAPI `{detail:"…"|[{msg}]}`.
 */
export function providerMessage(payload: unknown): string | undefined {
  const body = Array.isArray(payload) ? payload[0] : payload;
  if (!isRecord(body)) return nonEmpty(body);
  const error = body.error;
  const fromError = isRecord(error) ? nonEmpty(error.message) : nonEmpty(error);
  if (fromError !== undefined) return fromError;
  if (nonEmpty(body.message) !== undefined) return body.message as string;
  const detail = body.detail;
  if (Array.isArray(detail)) {
    const messages = detail.map((item) => (isRecord(item) ? nonEmpty(item.msg) : undefined)).filter((m) => m !== undefined);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
  return nonEmpty(detail);
}

/** A machine label from an error body without a message (`rate_limit_error`, `UNAVAILABLE`…), if safe to show. */
function errorLabel(payload: unknown): string | undefined {
  const body = Array.isArray(payload) ? payload[0] : payload;
  if (!isRecord(body)) return undefined;
  const error = isRecord(body.error) ? body.error : {};
  for (const candidate of [error.type, error.status, error.code, body.type]) {
    if (typeof candidate === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(candidate) && candidate !== 'error') return candidate;
  }
  return undefined;
}

/**
 * A readable message for a body with no message of its own: a short sentence with the status (and the
 * error type when the body names one). JSON and HTML are never shown raw; a plain-text body is quoted,
 * redacted first and cut after, so a key split by the cut cannot slip through. A body that looks like
 * JSON but does not parse (cut mid-way) counts as JSON.
 */
function fallbackMessage(status: number, bodyText: string, payload: unknown): string {
  const label = errorLabel(payload);
  const sentence = `the provider answered HTTP ${status}${label === undefined ? '' : ` (${label})`} without an error message`;
  const text = redactSecrets(bodyText).replace(/\s+/g, ' ').trim();
  if (text === '' || payload !== undefined || /^[[{<]/.test(text)) return sentence;
  return `the provider answered HTTP ${status}: ${clip(text, MAX_EXCERPT_CHARS)}`;
}

/** The message of an error body: the provider's own, else `fallbackMessage`. */
export function errorMessage(status: number, bodyText: string, payload: unknown): string {
  return providerMessage(payload) ?? fallbackMessage(status, bodyText, payload);
}
