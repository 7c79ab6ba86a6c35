/** The one catalogue of API errors (spec §1). Only the root error handler turns them into bodies. */
import { isUniqueViolation } from '../store/errors.js';

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'server_error';

const typeByStatus: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
  502: 'upstream_error',
  504: 'upstream_error',
};

export class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { param?: string | null; type?: ErrorType; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.type = opts.type ?? typeByStatus[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }
}

export const errors = {
  validation: (param: string, message: string) => new ApiError(400, 'validation_error', message, { param }),
  invalidJson: (message = 'The request body is not valid JSON.') => new ApiError(400, 'invalid_json', message),
  unsupported: (param: string, message: string) => new ApiError(400, 'unsupported_parameter', message, { param }),
  invalidKey: (message = 'Invalid API key. Pass a valid key as "Authorization: Bearer <key>".') =>
    new ApiError(401, 'invalid_api_key', message),
  forbidden: (message: string, code = 'forbidden') => new ApiError(403, code, message),
  notFound: (what: string) => new ApiError(404, 'not_found', `${what} not found.`),
  /** A body field names a resource that does not exist (e.g. an unknown `provider_id`). */
  unknownReference: (param: string, message: string) => new ApiError(404, 'not_found', message, { param }),
  conflict: (message: string, code = 'conflict') => new ApiError(409, code, message),
  tooLarge: (limitBytes: number) => new ApiError(413, 'request_too_large', `The request body is larger than the ${limitBytes}-byte limit.`),
  internal: () => new ApiError(500, 'internal_error', 'Internal server error. Quote the request id when reporting it.'),
};

/** A lost insert race (or a PATCH onto a taken unique value) is the caller's 409, never a 500. */
export const conflictOnUnique =
  (message: string) =>
  (err: unknown): never => {
    if (isUniqueViolation(err)) throw errors.conflict(message);
    throw err;
  };

/** The spec's error body. */
export function errorBody(err: ApiError, requestId: string) {
  return { error: { message: err.message, type: err.type, code: err.code, param: err.param, request_id: requestId } };
}
