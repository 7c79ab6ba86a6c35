/** Gemini `finishReason` → OpenAI `finish_reason` (ai.google.dev/api/generate-content#FinishReason). */
import type { FinishReason } from '../types.js';

const CONTENT_FILTER_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

/** A candidate that called functions finishes with `tool_calls` unless it was cut short or filtered. */
export function mapFinishReason(reason: string | undefined, calledFunctions: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && CONTENT_FILTER_REASONS.has(reason)) return 'content_filter';
  // STOP, OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL and reasons added later.
  return calledFunctions ? 'tool_calls' : 'stop';
}
