/**
 * Anthropic SSE (docs.anthropic.com/en/docs/build-with-claude/streaming) → chat.completion.chunk events.
 * The role chunk is held back until the first content block starts, so an `error` event right after
 * `message_start` still counts as "before the first byte" and the gateway can fall back.
 */
import { isRecord, tryParseJson } from '../json.js';
import type { ChatCompletionChunk, ChatRequest, FinishReason, SseEvent, StreamEvent, StreamTranslator } from '../types.js';
import { plausibleUsage, toWireUsage } from '../wire-usage.js';
import { anthropicStreamError } from './errors.js';
import { mapStopReason } from './stop-reason.js';
import { mergeUsage, toUsage } from './usage.js';
import { type AnthropicStreamEvent, type AnthropicUsage, anthropicStreamEventSchema } from './wire.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];
type EventOf<T extends AnthropicStreamEvent['type']> = Extract<AnthropicStreamEvent, { type: T }>;

const KNOWN_EVENT_TYPES: ReadonlySet<unknown> = new Set(anthropicStreamEventSchema.options.map((option) => option.shape.type.value));

function protocolError(message: string): StreamEvent {
  return { type: 'error', error: { kind: 'bad_response', status: 200, retryable: true, message } };
}

class AnthropicStreamTranslator implements StreamTranslator {
  private readonly created = Math.floor(Date.now() / 1000);
  private id = '';
  private model: string;
  private usage: AnthropicUsage = {};
  private roleSent = false;
  private finishSent = false;
  /** True once text or a tool call reached the client: a report of 0 output tokens is then false. */
  private delivered = false;
  private ended = false;
  /** Anthropic content-block index → 0-based tool-call index. */
  private readonly toolIndexByBlock = new Map<number, number>();

  constructor(body: ChatRequest) {
    this.model = body.model;
  }

  onEvent(sse: SseEvent): StreamEvent[] {
    if (this.ended) return [];
    const json = tryParseJson(sse.data);
    if (json === undefined) return this.fail('upstream sent malformed JSON in its stream');
    const parsed = anthropicStreamEventSchema.safeParse(json);
    if (!parsed.success) {
      // Event types added after this was written are skipped, as Anthropic's versioning policy asks.
      if (isRecord(json) && !KNOWN_EVENT_TYPES.has(json.type)) return [];
      return this.fail(`upstream sent a malformed ${String(isRecord(json) ? json.type : 'stream')} event`);
    }
    const out: StreamEvent[] = [];
    this.handle(parsed.data, out);
    return out;
  }

  onEnd(): StreamEvent[] {
    return this.ended ? [] : this.fail('upstream stream ended before message_stop');
  }

  private fail(message: string): StreamEvent[] {
    this.ended = true;
    return [protocolError(message)];
  }

  private handle(event: AnthropicStreamEvent, out: StreamEvent[]): void {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        this.model = event.message.model ?? this.model;
        this.usage = mergeUsage(this.usage, event.message.usage);
        return;
      case 'content_block_start':
        this.blockStart(event, out);
        return;
      case 'content_block_delta':
        this.blockDelta(event, out);
        return;
      case 'message_delta':
        this.usage = mergeUsage(this.usage, event.usage);
        if (event.delta.stop_reason != null) this.finish(out, mapStopReason(event.delta.stop_reason));
        return;
      case 'message_stop':
        this.stop(out);
        return;
      case 'error':
        this.ended = true;
        out.push({ type: 'error', error: anthropicStreamError(event.error) });
        return;
      case 'content_block_stop':
      case 'ping':
        return;
      default: {
        const unreachable: never = event;
        out.push(...this.fail(`unhandled ${String((unreachable as { type?: unknown }).type)} event`));
      }
    }
  }

  private chunk(delta: Delta, finishReason: FinishReason | null = null): StreamEvent {
    return {
      type: 'chunk',
      chunk: {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      },
    };
  }

  private role(out: StreamEvent[]): void {
    if (this.roleSent) return;
    this.roleSent = true;
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  private finish(out: StreamEvent[], reason: FinishReason): void {
    if (this.finishSent) return;
    this.role(out);
    this.finishSent = true;
    out.push(this.chunk({}, reason));
  }

  private stop(out: StreamEvent[]): void {
    this.ended = true;
    this.finish(out, 'stop');
    const total = plausibleUsage(toUsage(this.usage), this.delivered);
    if (total !== null) out.push({ type: 'usage', usage: total, wire: toWireUsage(total) });
  }

  private blockStart(event: EventOf<'content_block_start'>, out: StreamEvent[]): void {
    this.role(out);
    const block = event.content_block;
    if (block.type === 'text' && block.text !== undefined && block.text !== '') {
      this.delivered = true;
      out.push(this.chunk({ content: block.text }));
    }
    if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
      this.delivered = true;
      const index = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(event.index, index);
      out.push(this.chunk({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] }));
    }
  }

  private blockDelta(event: EventOf<'content_block_delta'>, out: StreamEvent[]): void {
    const delta = event.delta;
    if (delta.type === 'text_delta' && delta.text !== undefined && delta.text !== '') {
      this.role(out);
      this.delivered = true;
      out.push(this.chunk({ content: delta.text }));
    }
    const index = this.toolIndexByBlock.get(event.index);
    if (delta.type === 'input_json_delta' && index !== undefined && delta.partial_json) {
      out.push(this.chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] }));
    }
    // thinking_delta / signature_delta / citations_delta have no Chat Completions equivalent.
  }
}

export function createAnthropicStreamTranslator(body: ChatRequest): StreamTranslator {
  return new AnthropicStreamTranslator(body);
}
