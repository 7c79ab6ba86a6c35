/**
 * Gemini `streamGenerateContent?alt=sse`: every `data:` is a whole GenerateContentResponse holding the
 * next piece of each candidate. Each candidate becomes a choice: role first, text deltas, function calls
 * as whole tool-call deltas, one finish_reason; usage comes from the last usageMetadata, at the end.
 */
import { newId } from '../ids.js';
import { isRecord, tryParseJson } from '../json.js';
import type { ChatCompletionChunk, ChatRequest, FinishReason, SseEvent, StreamEvent, StreamTranslator } from '../types.js';
import { plausibleUsage, toWireUsage } from '../wire-usage.js';
import { googleStreamError } from './errors.js';
import { mapFinishReason } from './finish-reason.js';
import { readParts } from './parts.js';
import { toUsage } from './usage.js';
import { type GeminiCandidate, type GeminiResponse, type GeminiUsage, geminiErrorBodySchema, geminiResponseSchema } from './wire.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];
type ChoiceState = { toolCalls: number; finished: boolean };

function protocolError(message: string): StreamEvent {
  return { type: 'error', error: { kind: 'bad_response', status: 200, retryable: true, message } };
}

class GoogleStreamTranslator implements StreamTranslator {
  private readonly created = Math.floor(Date.now() / 1000);
  private id = newId('chatcmpl-');
  private model: string;
  private usage: GeminiUsage | undefined;
  private ended = false;
  /** True once text or a tool call was sent: a report of 0 output tokens is then false. */
  private delivered = false;
  /** Candidate index → what was sent for it so far. */
  private readonly choices = new Map<number, ChoiceState>();

  constructor(body: ChatRequest) {
    this.model = body.model;
  }

  onEvent(sse: SseEvent): StreamEvent[] {
    if (this.ended) return [];
    const json = tryParseJson(sse.data);
    if (json === undefined) return this.fail('upstream sent malformed JSON in its stream');
    if (isRecord(json) && 'error' in json) {
      const error = geminiErrorBodySchema.safeParse(json);
      if (error.success) {
        this.ended = true;
        return [{ type: 'error', error: googleStreamError(error.data) }];
      }
    }
    const parsed = geminiResponseSchema.safeParse(json);
    if (!parsed.success) return this.fail('upstream sent a malformed GenerateContentResponse');
    return this.response(parsed.data);
  }

  onEnd(): StreamEvent[] {
    if (this.ended) return [];
    const states = [...this.choices.entries()];
    if (!states.some(([, state]) => state.finished)) return this.fail('upstream stream ended before a finishReason');
    this.ended = true;
    const out: StreamEvent[] = [];
    for (const [index, state] of states) if (!state.finished) out.push(this.chunk(index, {}, 'stop'));
    const total = plausibleUsage(this.usage === undefined ? null : toUsage(this.usage), this.delivered);
    if (total !== null) out.push({ type: 'usage', usage: total, wire: toWireUsage(total) });
    return out;
  }

  private fail(message: string): StreamEvent[] {
    this.ended = true;
    return [protocolError(message)];
  }

  private response(data: GeminiResponse): StreamEvent[] {
    if (data.responseId !== undefined) this.id = data.responseId;
    if (data.modelVersion !== undefined) this.model = data.modelVersion;
    if (data.usageMetadata !== undefined) this.usage = data.usageMetadata;
    const out: StreamEvent[] = [];
    for (const [position, candidate] of (data.candidates ?? []).entries()) this.candidate(candidate, position, out);
    if (data.candidates === undefined && data.promptFeedback?.blockReason !== undefined) {
      // The prompt was blocked: no candidates, so the one choice ends filtered.
      this.candidate({ finishReason: 'PROHIBITED_CONTENT', index: 0 }, 0, out);
    }
    return out;
  }

  private candidate(candidate: GeminiCandidate, position: number, out: StreamEvent[]): void {
    const index = candidate.index ?? position;
    const state = this.stateOf(index, out);
    if (state.finished) return;
    const { text, toolCalls } = readParts(candidate.content?.parts);
    if (text !== '') out.push(this.chunk(index, { content: text }));
    if (text !== '' || toolCalls.length > 0) this.delivered = true;
    for (const call of toolCalls) {
      out.push(this.chunk(index, { tool_calls: [{ index: state.toolCalls, id: call.id, type: 'function', function: call.function }] }));
      state.toolCalls += 1;
    }
    if (candidate.finishReason !== undefined) {
      state.finished = true;
      out.push(this.chunk(index, {}, mapFinishReason(candidate.finishReason, state.toolCalls > 0)));
    }
  }

  private stateOf(index: number, out: StreamEvent[]): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      state = { toolCalls: 0, finished: false };
      this.choices.set(index, state);
      out.push(this.chunk(index, { role: 'assistant', content: '' }));
    }
    return state;
  }

  private chunk(index: number, delta: Delta, finishReason: FinishReason | null = null): StreamEvent {
    return {
      type: 'chunk',
      chunk: {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [{ index, delta, finish_reason: finishReason, logprobs: null }],
      },
    };
  }
}

export function createGoogleStreamTranslator(body: ChatRequest): StreamTranslator {
  return new GoogleStreamTranslator(body);
}
