/**
 * Small checks shared by the chat request validators. Each failure is a 400 `validation_error` whose
 * `param` is the JSON path of the field, in OpenAI's notation (`messages[2].content[0].type`).
 */
import { type ApiError, errors } from '../../http/errors.js';
import { isRecord } from '../providers/json.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

export function invalidType(param: string, expected: string, value: unknown): ApiError {
  return errors.validation(param, `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`);
}

export function missing(param: string): ApiError {
  return errors.validation(param, `Missing required parameter: '${param}'.`);
}

/** `value` is absent: undefined (not sent) or null (OpenAI treats null optional fields as not sent). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function requireObject(value: unknown, param: string): Record<string, unknown> {
  if (value === undefined) throw missing(param);
  if (!isRecord(value)) throw invalidType(param, 'an object', value);
  return value;
}

export function requireString(value: unknown, param: string): void {
  if (value === undefined) throw missing(param);
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
}

export function optionalString(value: unknown, param: string): void {
  if (!isAbsent(value) && typeof value !== 'string') throw invalidType(param, 'a string', value);
}

export function optionalBoolean(value: unknown, param: string): void {
  if (!isAbsent(value) && typeof value !== 'boolean') throw invalidType(param, 'a boolean', value);
}

export function optionalObject(value: unknown, param: string): void {
  if (!isAbsent(value) && !isRecord(value)) throw invalidType(param, 'an object', value);
}

/** A number in [min, max]; integers only when `integer`. */
export function optionalNumber(value: unknown, param: string, min: number, max: number, integer: boolean): void {
  if (isAbsent(value)) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(param, integer ? 'an integer' : 'a number', value);
  if (integer && !Number.isInteger(value)) throw invalidType(param, 'an integer', value);
  if (value < min || value > max) {
    throw errors.validation(param, `Invalid '${param}': expected a value from ${min} to ${max}, but got ${value} instead.`);
  }
}

/** A string from a closed set. */
export function requireOneOf(value: unknown, param: string, allowed: readonly string[]): void {
  if (value === undefined) throw missing(param);
  if (typeof value !== 'string' || !allowed.includes(value)) {
    const shown = typeof value === 'string' ? `'${value.slice(0, 64)}'` : describe(value);
    throw errors.validation(
      param,
      `Invalid value for '${param}': ${shown}. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`,
    );
  }
}
