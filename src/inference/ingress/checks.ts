/**
 * Small checks shared by the chat request validators. Each failure is a 400 `validation_error` whose
 * `param` is the JSON path of the field, in OpenAI's notation (`messages[2].content[0].type`).
 */
import { type ApiError, errors } from '../../http/errors.js';
import { isRecord } from '../providers/json.js';
import { jsonSize, MAX_JSON_LEVELS } from '../providers/json-bounds.js';

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

/** Any one top-level field other than the prompt (tools and their schemas, pass-through fields). */
const MAX_FIELD_CHARS = 4 * 1024 * 1024;
/** OpenAI's metadata rules (Chat Completions and Responses). */
const METADATA_MAX_KEYS = 16;
const METADATA_KEY_MAX_CHARS = 64;
const METADATA_VALUE_MAX_CHARS = 512;

/**
 * Bounds every top-level field of a body: depth everywhere (the body is level 1, so a field may nest
 * MAX_JSON_LEVELS - 1 levels), size for every field but the prompt. `prompt` names the list whose items are
 * bounded in depth only (prompts may be as large as the body limit allows); `unsized` lists other prompt
 * fields bounded in depth only (e.g. `system`, `instructions`).
 */
export function checkBodyBounds(body: Readonly<Record<string, unknown>>, prompt: string, unsized: readonly string[] = []): void {
  for (const [key, value] of Object.entries(body)) {
    // Unknown keys come from the client: the param echoing one is cut to a readable length.
    const field = key.length > 64 ? `${key.slice(0, 64)}…` : key;
    if (field === prompt && Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (jsonSize(value[i], MAX_JSON_LEVELS - 2) < 0) throw tooDeep(`${prompt}[${i}]`);
      }
      continue;
    }
    const size = jsonSize(value, MAX_JSON_LEVELS - 1);
    if (size < 0) throw tooDeep(field);
    if (size > MAX_FIELD_CHARS && field !== prompt && !unsized.includes(field)) {
      throw errors.validation(field, `Invalid '${field}': the value is larger than ${MAX_FIELD_CHARS} characters of JSON.`);
    }
  }
}

function tooDeep(param: string): ApiError {
  return errors.validation(param, `Invalid '${param}': objects and arrays may be nested at most ${MAX_JSON_LEVELS} levels deep.`);
}

/** OpenAI's `metadata`: at most 16 string values, keys up to 64 characters, values up to 512. */
export function checkOpenAiMetadata(value: unknown): void {
  if (isAbsent(value)) return;
  const metadata = requireObject(value, 'metadata');
  const keys = Object.keys(metadata);
  if (keys.length > METADATA_MAX_KEYS) {
    throw errors.validation('metadata', `Invalid 'metadata': at most ${METADATA_MAX_KEYS} keys, but got ${keys.length}.`);
  }
  for (const key of keys) {
    const param = `metadata.${key.slice(0, METADATA_KEY_MAX_CHARS)}`;
    if (key.length > METADATA_KEY_MAX_CHARS) {
      throw errors.validation(param, `Invalid 'metadata': keys may be at most ${METADATA_KEY_MAX_CHARS} characters long.`);
    }
    const entry = metadata[key];
    if (typeof entry !== 'string') throw invalidType(param, 'a string', entry);
    if (entry.length > METADATA_VALUE_MAX_CHARS) {
      throw errors.validation(param, `Invalid '${param}': values may be at most ${METADATA_VALUE_MAX_CHARS} characters long.`);
    }
  }
}
