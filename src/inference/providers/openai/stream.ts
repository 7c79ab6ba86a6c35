/**
 * OpenAI-kind stream: chunks pass through as they are. The usage-only chunk (empty `choices`, sent
 * because we always set include_usage) becomes a `usage` event, never a chunk; `usage` is removed from
 * other chunks so the edge alone decides whether the client sees usage. Chunks are checked by hand,
 * not with zod: this is the hottest path of the gateway and the body is forwarded, not interpreted.
 * A chunk that breaks the format ends the stream with a `bad_response` error; it is never forwarded.
 */
import { isRecord, tryParseJson } from '../json.js';
import type { ChatCompletionChunk, SseEvent, StreamEvent, StreamTranslator } from '../types.js';
import { openAiStreamError } from './errors.js';
import { readOpenAiUsage } from './usage.js';
import { checkChoices } from './wire.js';

const DONE = '[DONE]';

function protocolError(message: string): StreamEvent {
  return { type: 'error', error: { kind: 'bad_response', status: 200, retryable: true, message } };
}

/** True when a checked chunk carries text or a tool call (used to judge the reported usage). */
function carriesOutput(choices: unknown[]): boolean {
  for (const choice of choices) {
    const delta = (choice as { delta: { content?: unknown; tool_calls?: unknown } }).delta;
    if ((typeof delta.content === 'string' && delta.content !== '') || Array.isArray(delta.tool_calls)) return true;
  }
  return false;
}

export function createOpenAiStreamTranslator(): StreamTranslator {
  let done = false;
  let sawChunk = false;
  let sawFinish = false;
  let delivered = false;
  // Usage carried on a chunk that also has choices (vLLM's continuous usage stats): sent at the end.
  let pendingUsage: unknown;

  function usageEvents(raw: unknown): StreamEvent[] {
    const read = readOpenAiUsage(raw, delivered);
    return read === null ? [] : [{ type: 'usage', usage: read.usage, wire: read.wire }];
  }

  function finish(): StreamEvent[] {
    done = true;
    const events = usageEvents(pendingUsage);
    pendingUsage = undefined;
    return events;
  }

  function fail(message: string): StreamEvent[] {
    done = true;
    return [protocolError(message)];
  }

  return {
    onEvent(event: SseEvent): StreamEvent[] {
      if (done) return [];
      if (event.data === DONE) return sawChunk ? finish() : fail('the provider ended its stream without sending an answer');
      const payload = tryParseJson(event.data);
      if (event.event === 'error') {
        // Some compatible servers name the event instead of wrapping the payload in `error`.
        done = true;
        return [{ type: 'error', error: openAiStreamError(isRecord(payload) ? payload : {}) }];
      }
      if (!isRecord(payload)) return fail('the provider sent malformed JSON in its stream');
      if (payload.error !== undefined && payload.error !== null) {
        done = true;
        return [{ type: 'error', error: openAiStreamError(payload) }];
      }
      const hasUsage = payload.usage !== undefined && payload.usage !== null;
      const choices = payload.choices;
      if (hasUsage && (choices === undefined || (Array.isArray(choices) && choices.length === 0))) {
        // The usage-only chunk: reported once, at the end of the answer.
        pendingUsage = undefined;
        sawChunk = true;
        return usageEvents(payload.usage);
      }
      if (choices === undefined || choices === null) return fail('the provider sent a stream chunk without choices');
      const { problem, changed } = checkChoices(choices, 'delta');
      if (problem !== undefined) return fail(`the provider sent a malformed stream chunk: ${problem}`);
      const list = choices as unknown[];
      sawChunk = true;
      if (carriesOutput(list)) delivered = true;
      for (const choice of list) if ((choice as { finish_reason?: unknown }).finish_reason != null) sawFinish = true;
      if (hasUsage) pendingUsage = payload.usage;
      // A chunk with no usage (or OpenAI's `"usage": null`) and nothing normalised is forwarded as written.
      const forwardable = !hasUsage && !changed;
      if ('usage' in payload) delete payload.usage;
      return [{ type: 'chunk', chunk: payload as ChatCompletionChunk, ...(forwardable && { raw: event.data }) }];
    },

    onEnd(): StreamEvent[] {
      if (done) return [];
      if (sawFinish) return finish();
      return fail('the provider ended its stream before the answer was complete');
    },
  };
}
