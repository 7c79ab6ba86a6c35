/** Ids the gateway invents where a provider gives none (Gemini tool calls, chunk ids). */
import { randomBytes } from 'node:crypto';

/** `prefix` + 24 url-safe random characters, e.g. `call_…` or `chatcmpl-…`. */
export function newId(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url');
}
