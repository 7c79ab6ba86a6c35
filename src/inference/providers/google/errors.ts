/**
 * Gemini error bodies: `{ "error": { "code", "message", "status", "details"? } }`
 * (ai.google.dev/gemini-api/docs/troubleshooting#error-codes). A refused API key is a 400
 * INVALID_ARGUMENT with reason API_KEY_INVALID: classified as `auth`, so another route may be tried.
 */
import { classifyStatus, fallbackMessage, retryAfterSeconds } from '../classify-status.js';
import { tryParseJson } from '../json.js';
import type { UpstreamError } from '../types.js';
import { type GeminiErrorBody, geminiErrorBodySchema } from './wire.js';

type GeminiError = GeminiErrorBody['error'];

/** google.rpc.RetryInfo `retryDelay`, e.g. "37s" or "0.5s", in whole seconds. */
function retryDelaySeconds(error: GeminiError): number | undefined {
  for (const detail of error.details ?? []) {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay ?? '');
    if (match?.[1] !== undefined) return Math.ceil(Number(match[1]));
  }
  return undefined;
}

function classify(status: number, error: GeminiError, retryAfter: number | undefined): UpstreamError {
  const classified = classifyStatus(status, error.message ?? error.status ?? `upstream answered HTTP ${status}`, retryAfter);
  const keyRefused = (error.details ?? []).some((detail) => detail.reason === 'API_KEY_INVALID');
  return keyRefused ? { ...classified, kind: 'auth', retryable: true } : classified;
}

export function parseGoogleError(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): UpstreamError {
  const parsed = geminiErrorBodySchema.safeParse(tryParseJson(bodyText));
  if (!parsed.success) return classifyStatus(status, fallbackMessage(status, bodyText), retryAfterSeconds(headers));
  const error = parsed.data.error;
  return classify(status, error, retryAfterSeconds(headers) ?? retryDelaySeconds(error));
}

/** An error object sent as an SSE `data:` line after a 200; its `code` is the HTTP status it stands for. */
export function googleStreamError(body: GeminiErrorBody): UpstreamError {
  return classify(body.error.code ?? 500, body.error, retryDelaySeconds(body.error));
}
