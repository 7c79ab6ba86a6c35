// The API's error body ({ error: { message, code, param, request_id } }) as a throwable value.

/** Fields of the spec §1 error body the dashboard reads. */
export interface ApiErrorBody {
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
  requestId: string | null;
}

/** Thrown by the API client for any non-2xx answer or network failure; `message` is shown to the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string | null;
  readonly code: string | null;
  readonly param: string | null;
  readonly requestId: string | null;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.type = body.type;
    this.code = body.code;
    this.param = body.param;
    this.requestId = body.requestId;
  }
}
