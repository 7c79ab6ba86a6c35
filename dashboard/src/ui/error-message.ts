// The sentence to show for a failed action or load.
import { ApiError } from '../api';

/** The API's own message for an ApiError, else the error's message. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof Error) return error.message;
  return String(error);
}

/** The request id to quote to support, when the API gave one. */
export function errorRequestId(error: unknown): string | null {
  return error instanceof ApiError ? error.requestId : null;
}
