/**
 * The last check before a translated answer leaves the upstream client: the gateway's own code (billing
 * estimates, the SSE edge) and every OpenAI client read these fields, so an adapter bug or a provider
 * quirk that slipped through becomes a clean `bad_response` here instead of an exception later.
 */
import { isRecord } from '../providers/json.js';

function isTextOrNull(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function toolCallsOk(value: unknown, partial: boolean): boolean {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  return value.every((call) => {
    if (!isRecord(call)) return false;
    const fn = call.function;
    if (partial && (fn === undefined || fn === null)) return true;
    if (!isRecord(fn)) return false;
    return partial ? isTextOrNull(fn.name) && isTextOrNull(fn.arguments) : typeof fn.name === 'string' && typeof fn.arguments === 'string';
  });
}

function messageOk(message: unknown, partial: boolean): boolean {
  return isRecord(message) && isTextOrNull(message.content) && toolCallsOk(message.tool_calls, partial);
}

/** A `chat.completion.chunk`: `choices` is an array of objects, each with a well-formed `delta`. */
export function isWellFormedChunk(chunk: unknown): boolean {
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return false;
  return chunk.choices.every((choice) => isRecord(choice) && messageOk(choice.delta, true));
}

/** A `chat.completion`: `choices` is an array of objects, each with a well-formed `message`. */
export function isWellFormedCompletion(completion: unknown): boolean {
  if (!isRecord(completion) || !Array.isArray(completion.choices)) return false;
  return completion.choices.every((choice) => isRecord(choice) && messageOk(choice.message, false));
}
