// Puts an API 400 beside the field its `param` names (spec §1), e.g. `tiers[1].above_input_tokens`.
import { ApiError } from '../api';

/** The API's message when `error` is a 4xx naming `param`, else undefined. */
export function fieldError(error: unknown, param: string): string | undefined {
  return error instanceof ApiError && error.status < 500 && error.param === param ? error.message : undefined;
}

/** True when the error names one of `params`: the form shows it by that field, not in a banner. */
export function isFieldError(error: unknown, params: readonly string[]): boolean {
  return error instanceof ApiError && error.status < 500 && error.param !== null && params.includes(error.param);
}
