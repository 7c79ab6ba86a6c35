/** JSON helpers for untrusted provider text. */

/** Parses JSON without throwing; `undefined` means "not JSON". */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses a tool call's `arguments` string into an object, the shape Anthropic and Gemini require. */
export function parseToolArguments(args: string): Record<string, unknown> {
  const parsed = tryParseJson(args);
  return isRecord(parsed) ? parsed : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
