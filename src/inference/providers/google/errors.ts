/**
 * Gemini error bodies: `{ "error": { "code", "message", "status", "details"? } }`
 * (ai.google.dev/gemini-api/docs/troubleshooting#error-codes). A refused API key is a 400
 * INVALID_ARGUMENT with reason API_KEY_INVALID: classified as `auth`, so another route may be tried.
 */
import { classifyStatus, errorMessage, retryAfterSeconds } from '../classify-status.js';
import { tryParseJson } from '../json.js';
import type { UpstreamError } from '../types.js';
import { type GeminiErrorBody, geminiErrorBodySchema } from './wire.js';

type GeminiError = GeminiErrorBody['error'];

/** google.rpc.RetryInfo `retryDelay`, e.g. "37s" or "0.5s", in whole seconds. */
function retryDelaySeconds(error: GeminiError | undefined): number | undefined {
  for (const detail of error?.details ?? []) {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail?.retryDelay ?? '');
    if (match?.[1] !== undefined) return Math.ceil(Number(match[1]));
  }
  return undefined;
}

function classify(status: number, payload: unknown, bodyText: string, retryAfter: number | undefined): UpstreamError {
  const body = geminiErrorBodySchema.safeParse(Array.isArray(payload) ? payload[0] : payload);
  const error = body.success ? body.data.error : undefined;
  const classified = classifyStatus(status, errorMessage(status, bodyText, payload), retryAfter ?? retryDelaySeconds(error));
  const keyRefused = (error?.details ?? []).some((detail) => detail?.reason === 'API_KEY_INVALID');
  return keyRefused ? { ...classified, kind: 'auth', retryable: true } : classified;
}

export function parseGoogleError(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): UpstreamError {
  return classify(status, tryParseJson(bodyText), bodyText, retryAfterSeconds(headers));
}

/** An error object sent as an SSE `data:` line after a 200; its `code` is the HTTP status it stands for. */
export function googleStreamError(body: GeminiErrorBody): UpstreamError {
  const code = body.error.code;
  const status = code !== undefined && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 500;
  return classify(status, body, '', undefined);
}
