/**
 * OpenAI-kind error bodies: `{ "error": { "message", "type", "param", "code" } }`
 * (platform.openai.com/docs/guides/error-codes). Compatible servers vary, so `{ "error": "text" }`,
 * `{ "detail": … }` (vLLM, FastAPI) and `{ "message": … }` are read too.
 */
import { z } from 'zod';
import { classifyStatus, fallbackMessage, retryAfterSeconds } from '../classify-status.js';
import { tryParseJson } from '../json.js';
import type { UpstreamError } from '../types.js';

const errorObject = z.object({ message: z.string().optional(), type: z.string().nullish(), code: z.unknown() });
const errorBody = z.union([
  z.object({ error: errorObject }),
  z.object({ error: z.string() }),
  z.object({ detail: z.unknown() }),
  z.object({ message: z.string() }),
]);

/** The human message of an error body, or undefined when the body has none we recognise. */
export function openAiErrorMessage(payload: unknown): string | undefined {
  const parsed = errorBody.safeParse(payload);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  if ('error' in value) return typeof value.error === 'string' ? value.error : value.error.message;
  if ('detail' in value) return typeof value.detail === 'string' ? value.detail : JSON.stringify(value.detail);
  return value.message;
}

export function parseOpenAiError(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): UpstreamError {
  const message = openAiErrorMessage(tryParseJson(bodyText)) ?? fallbackMessage(status, bodyText);
  return classifyStatus(status, message, retryAfterSeconds(headers));
}

/** An `{ "error": {...} }` payload sent as an SSE event after a 200: classified by its type/code. */
export function openAiStreamError(payload: unknown): UpstreamError {
  const parsed = z.object({ error: errorObject }).safeParse(payload);
  const error = parsed.success ? parsed.data.error : undefined;
  const label = `${error?.type ?? ''} ${typeof error?.code === 'string' ? error.code : ''}`;
  const status = /rate_limit|quota/.test(label) ? 429 : /invalid_request/.test(label) ? 400 : 500;
  return classifyStatus(status, error?.message ?? 'upstream sent an error event mid-stream');
}
