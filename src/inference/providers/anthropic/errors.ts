/**
 * Anthropic error bodies: `{ "type": "error", "error": { "type", "message" }, "request_id"? }`
 * (docs.anthropic.com/en/api/errors). 529 `overloaded_error` is a server error, retryable.
 */
import { classifyStatus, errorMessage, retryAfterSeconds } from '../classify-status.js';
import { tryParseJson } from '../json.js';
import type { UpstreamError } from '../types.js';

/** The HTTP status Anthropic documents for each error type, used for errors that arrive mid-stream. */
const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function parseAnthropicError(
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined>,
): UpstreamError {
  return classifyStatus(status, errorMessage(status, bodyText, tryParseJson(bodyText)), retryAfterSeconds(headers));
}

/** An `event: error` in a 200 stream, e.g. `overloaded_error`. */
export function anthropicStreamError(error: { type: string; message?: string | undefined }): UpstreamError {
  const status = Object.hasOwn(STATUS_BY_ERROR_TYPE, error.type) ? (STATUS_BY_ERROR_TYPE[error.type] as number) : 500;
  return classifyStatus(status, error.message ?? `the provider sent a ${error.type} event mid-stream`);
}
