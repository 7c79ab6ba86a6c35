/**
 * OpenAI-kind error bodies: `{ "error": { "message", "type", "param", "code" } }`
 * (platform.openai.com/docs/guides/error-codes). Compatible servers vary, so `{ "error": "text" }`,
 * `{ "detail": … }` (vLLM, FastAPI) and `{ "message": … }` are read too; every field may be missing.
 */
import { classifyStatus, errorMessage, providerMessage, retryAfterSeconds } from '../classify-status.js';
import { isRecord, tryParseJson } from '../json.js';
import type { UpstreamError } from '../types.js';

export function parseOpenAiError(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): UpstreamError {
  return classifyStatus(status, errorMessage(status, bodyText, tryParseJson(bodyText)), retryAfterSeconds(headers));
}

/** An `{ "error": … }` payload sent as an SSE event after a 200: classified by its type/code. */
export function openAiStreamError(payload: Record<string, unknown>): UpstreamError {
  const error = isRecord(payload.error) ? payload.error : {};
  const label = `${typeof error.type === 'string' ? error.type : ''} ${typeof error.code === 'string' ? error.code : ''}`;
  const status = /rate_limit|quota/.test(label) ? 429 : /invalid_request/.test(label) ? 400 : 500;
  return classifyStatus(status, providerMessage(payload) ?? 'the provider sent an error event mid-stream');
}
