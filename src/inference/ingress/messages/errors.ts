/**
 * Errors on the Messages routes in Anthropic's shape (docs.anthropic.com/en/api/errors, spec §5b), so the
 * Anthropic SDKs raise their own error classes: the §1 status and code, Anthropic's error type.
 */
import type { ApiError } from '../../../http/errors.js';

/** Anthropic's error type for each status it documents; every 5xx is `api_error`. */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
};

export function anthropicErrorType(status: number): string {
  if (status >= 500) return 'api_error';
  return TYPE_BY_STATUS[status] ?? 'invalid_request_error';
}

export type AnthropicErrorBody = {
  type: 'error';
  error: { type: string; message: string; code: string; param?: string };
  request_id: string;
};

export function anthropicErrorBody(err: ApiError, requestId: string): AnthropicErrorBody {
  const error: AnthropicErrorBody['error'] = { type: anthropicErrorType(err.status), message: err.message, code: err.code };
  if (err.param !== null) error.param = err.param;
  return { type: 'error', error, request_id: requestId };
}
