/**
 * The parts of OpenAI's `chat.completion` and `chat.completion.chunk` objects the gateway relies on
 * (platform.openai.com/docs/api-reference/chat/object, /chat-streaming), checked by hand: this is the
 * hottest path, and the body is forwarded, not rebuilt. Each check returns what is wrong, or undefined.
 */
import { isRecord } from '../json.js';

/**
 * `content` is a string or null. Some compatible servers (Mistral's reasoning models) send an array of
 * parts instead; its text parts are joined into the string OpenAI clients expect (thinking parts have
 * no Chat Completions equivalent). Returns the content to keep, or `false` when it is neither.
 */
export function readContent(value: unknown): string | null | undefined | false {
  if (value === undefined || value === null || typeof value === 'string') return value;
  if (!Array.isArray(value)) return false;
  let text = '';
  for (const part of value) {
    if (!isRecord(part)) return false;
    if ((part.type === 'text' || part.type === 'output_text') && typeof part.text === 'string') text += part.text;
  }
  return text;
}

const optionalString = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/** A complete tool call needs a function name and its arguments string; a delta may carry any part of them. */
function toolCallsProblem(value: unknown, partial: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return 'tool_calls is not an array';
  for (const call of value) {
    if (!isRecord(call)) return 'a tool call is not an object';
    const fn = call.function;
    if (partial) {
      if (fn !== undefined && fn !== null && (!isRecord(fn) || !optionalString(fn.name) || !optionalString(fn.arguments))) {
        return 'a tool call delta has a malformed function';
      }
    } else if (!isRecord(fn) || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') {
      return 'a tool call has no function name and arguments';
    }
  }
  return undefined;
}

/**
 * Checks one choice's `message` (non-streaming) or `delta` (streaming) in place; array content is
 * replaced by its text. Returns what is wrong, and whether the object was changed.
 */
function checkMessage(choice: unknown, field: 'message' | 'delta'): { problem?: string; changed: boolean } {
  if (!isRecord(choice)) return { problem: 'a choice is not an object', changed: false };
  const message = choice[field];
  if (!isRecord(message)) return { problem: `a choice has no ${field} object`, changed: false };
  const content = readContent(message.content);
  if (content === false) return { problem: `${field}.content is neither text nor text parts`, changed: false };
  const changed = content !== message.content;
  if (changed) message.content = content;
  const problem = toolCallsProblem(message.tool_calls, field === 'delta');
  return problem === undefined ? { changed } : { problem, changed };
}

/** Checks (and normalises) every choice; `problem` names the first violation. */
export function checkChoices(choices: unknown, field: 'message' | 'delta'): { problem?: string; changed: boolean } {
  if (!Array.isArray(choices)) return { problem: 'choices is not an array', changed: false };
  let changed = false;
  for (const choice of choices) {
    const result = checkMessage(choice, field);
    if (result.problem !== undefined) return result;
    changed ||= result.changed;
  }
  return { changed };
}
