// Turns whatever a failed response carried into the typed error fields, never throwing.
import type { ApiErrorBody } from './api-error';

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads spec §1's `{ error: {...} }`; falls back to the HTTP status text when the body is not one. */
export function parseErrorBody(status: number, statusText: string, body: unknown, headerRequestId: string | null): ApiErrorBody {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const fallback = `Request failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  return {
    message: stringOrNull(error?.message) ?? fallback,
    type: stringOrNull(error?.type),
    code: stringOrNull(error?.code),
    param: stringOrNull(error?.param),
    requestId: stringOrNull(error?.request_id) ?? headerRequestId,
  };
}
