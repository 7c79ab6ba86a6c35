/** Reads a Gemini candidate's parts: visible text and function calls (thought summaries are skipped). */
import { newId } from '../ids.js';
import type { ChatToolCall } from '../types.js';
import type { GeminiResponsePart } from './wire.js';

export type ReadParts = { text: string; toolCalls: ChatToolCall[] };

/** Gemini's API gives function calls no id (or, newer, an optional one); we make up `call_…` ids. */
export function readParts(parts: readonly GeminiResponsePart[] | undefined): ReadParts {
  const out: ReadParts = { text: '', toolCalls: [] };
  for (const part of parts ?? []) {
    if (part.thought === true) continue;
    if (part.text !== undefined) out.text += part.text;
    if (part.functionCall !== undefined) {
      out.toolCalls.push({
        id: part.functionCall.id ?? newId('call_'),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    }
  }
  return out;
}
