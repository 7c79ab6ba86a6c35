/** Asserts the spec §1 error shape, with `x-request-id` equal to the body's `request_id`. */
import { expect } from 'vitest';
import type { JsonResponse } from './http.js';

/** The §1 error type each status carries. */
export const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
};

export function expectApiError(res: JsonResponse, status: number, code: string, param: string | null = null) {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      error: { message: expect.any(String), type: typeByStatus[status], code, param, request_id: expect.any(String) },
    },
  });
  expect(res.body.error.message.length).toBeGreaterThan(5);
  expect(res.headers.get('x-request-id')).toBe(res.body.error.request_id);
}
