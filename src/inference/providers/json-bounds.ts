/**
 * Depth and size bounds for client JSON. V8's JSON.stringify recurses, so a value nested a few thousand
 * levels deep throws a RangeError wherever it is serialised (request bodies, log rows). The edge refuses
 * such bodies; adapters use the bounded parse for JSON hidden inside strings (tool arguments, tool results).
 */
import { isRecord, tryParseJson } from './json.js';

/** How many levels of objects and arrays a value may nest (a scalar is 0 levels, `{}` is 1). */
export const MAX_JSON_LEVELS = 64;

/**
 * About how many characters `value` serialises to (numbers, booleans and null count 8), or -1 when it
 * nests more than `maxLevels` levels. Recursion stops at the limit, so this never overflows the stack.
 */
export function jsonSize(value: unknown, maxLevels: number): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return 8;
  if (maxLevels <= 0) return -1;
  let size = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      const itemSize = jsonSize(item, maxLevels - 1);
      if (itemSize < 0) return -1;
      size += itemSize + 1;
    }
    return size;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const itemSize = jsonSize(record[key], maxLevels - 1);
    if (itemSize < 0) return -1;
    size += key.length + itemSize + 4;
  }
  return size;
}

/** Parses JSON text; `undefined` when it is not JSON or nests deeper than MAX_JSON_LEVELS. */
export function parseBoundedJson(text: string): unknown {
  const parsed = tryParseJson(text);
  return jsonSize(parsed, MAX_JSON_LEVELS) < 0 ? undefined : parsed;
}

/** Parses a tool call's `arguments` string into an object, the shape Anthropic and Gemini require. */
export function parseToolArguments(args: string): Record<string, unknown> {
  const parsed = parseBoundedJson(args);
  return isRecord(parsed) ? parsed : {};
}
