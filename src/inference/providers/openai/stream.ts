/**
 * OpenAI-kind stream: chunks pass through as they are. The usage-only chunk (empty `choices`, sent
 * because we always set include_usage) becomes a `usage` event, never a chunk; `usage` is removed from
 * other chunks so the edge alone decides whether the client sees usage. Chunks are checked by hand,
 * not with zod: this is the hottest path of the gateway and the body is forwarded, not interpreted.
 */
import { isRecord, tryParseJson } from '../json.js';
import type { ChatCompletionChunk, OpenAiUsage, SseEvent, StreamEvent, StreamTranslator } from '../types.js';
import { openAiStreamError } from './errors.js';
import { asOpenAiUsage, toUsage } from './usage.js';

const DONE = '[DONE]';

function usageEvent(usage: OpenAiUsage): StreamEvent {
  return { type: 'usage', usage: toUsage(usage), wire: usage };
}

export function createOpenAiStreamTranslator(): StreamTranslator {
  let done = false;
  let sawFinish = false;
  // Usage carried on a chunk that also has choices (vLLM's continuous usage stats): sent at the end.
  let pendingUsage: OpenAiUsage | null = null;

  function finish(): StreamEvent[] {
    done = true;
    const events = pendingUsage === null ? [] : [usageEvent(pendingUsage)];
    pendingUsage = null;
    return events;
  }

  return {
    onEvent(event: SseEvent): StreamEvent[] {
      if (done) return [];
      if (event.data === DONE) return finish();
      const payload = tryParseJson(event.data);
      if (!isRecord(payload)) {
        done = true;
        return [
          {
            type: 'error',
            error: { kind: 'bad_response', status: 200, retryable: true, message: 'upstream sent malformed JSON in its stream' },
          },
        ];
      }
      if (payload.error !== undefined) {
        done = true;
        return [{ type: 'error', error: openAiStreamError(payload) }];
      }
      const usage = asOpenAiUsage(payload.usage);
      const choices = payload.choices;
      if (Array.isArray(choices) && choices.length === 0 && usage !== null) {
        pendingUsage = null;
        return [usageEvent(usage)];
      }
      if (usage !== null) pendingUsage = usage;
      // A chunk with no usage (or OpenAI's `"usage": null`) is forwarded as the provider wrote it.
      const forwardable = usage === null;
      if ('usage' in payload) delete payload.usage;
      if (Array.isArray(choices)) {
        for (const choice of choices) if (isRecord(choice) && choice.finish_reason != null) sawFinish = true;
      }
      return [{ type: 'chunk', chunk: payload as ChatCompletionChunk, ...(forwardable && { raw: event.data }) }];
    },

    onEnd(): StreamEvent[] {
      if (done) return [];
      if (sawFinish) return finish();
      done = true;
      return [
        {
          type: 'error',
          error: { kind: 'bad_response', status: 200, retryable: true, message: 'upstream stream ended before the answer was complete' },
        },
      ];
    },
  };
}
