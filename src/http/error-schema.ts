/** The spec §1 error body as a zod schema: what /openapi.json says every route answers on 4xx and 5xx. */
import { z } from 'zod';
import type { ErrorType } from './errors.js';

const errorTypes = [
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'rate_limit_error',
  'upstream_error',
  'server_error',
] as const satisfies readonly ErrorType[];
// Both ways: a new ErrorType not listed here would fail the serializer and turn that error into a 500.
const everyErrorType: Exclude<ErrorType, (typeof errorTypes)[number]> extends never ? true : false = true;
void everyErrorType;

/** The spec §1 error body, on every route and status 4xx/5xx. */
export const ErrorBody = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.enum(errorTypes),
      code: z.string(),
      param: z.string().nullable(),
      request_id: z.string(),
    }),
  })
  .meta({ id: 'Error', description: 'Error (spec §1)' });

/** A route's responses: its success schemas plus the §1 error for every 4xx and 5xx. */
export const withErrors = <R extends Record<number, z.ZodType>>(ok: R) => ({ ...ok, '4xx': ErrorBody, '5xx': ErrorBody });
