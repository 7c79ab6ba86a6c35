/**
 * Internal stream chunks → Anthropic's SSE events (docs.anthropic.com/en/docs/build-with-claude/streaming):
 * `message_start`, then for each content block `content_block_start`, its `content_block_delta`s
 * (`text_delta` / `input_json_delta`) and `content_block_stop`, then `message_delta` with the stop reason
 * and the billed usage, and `message_stop`. Blocks never interleave: a text or tool call arriving while
 * another block is open closes it. A native call's events are relayed as they came, the model renamed.
 */
import type { ApiError } from '../../../http/errors.js';
import { isRecord, tryParseJson } from '../../providers/json.js';
import { parseToolArguments } from '../../providers/json-bounds.js';
import type { ChatCompletionChunk, OpenAiUsage, SseEvent, Usage } from '../../providers/types.js';
import type { AnswerContext, IngressStream, SseFrame } from '../types.js';
import { anthropicErrorBody } from './errors.js';
import {
  type AnthropicMessageOut,
  type AnthropicUsageOut,
  messageId,
  type OutputBlock,
  type StopReason,
  toAnthropicUsage,
  toStopReason,
} from './render.js';

type OpenBlock = { kind: 'text'; index: number } | { kind: 'tool'; index: number; toolIndex: number };

function frame(event: string, data: unknown): SseFrame {
  return { event, data: JSON.stringify(data) };
}

export class MessagesStream implements IngressStream {
  private started = false;
  /** Relaying a native call's events: they already carry the answer's end. */
  private native = false;
  private finished = false;
  private open: OpenBlock | null = null;
  /** Everything sent, for `answer()`; tool inputs as the JSON text streamed so far. */
  private readonly blocks: Array<{ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; json: string }> = [];
  /** Chat tool-call index → Anthropic block index. */
  private readonly blockByTool = new Map<number, number>();
  private stopReason: StopReason | null = null;
  private usage: AnthropicUsageOut | null = null;
  private readonly id: string;

  constructor(private readonly ctx: AnswerContext) {
    this.id = messageId(ctx);
  }

  chunk(chunk: ChatCompletionChunk, _raw?: string): SseFrame[] {
    const out: SseFrame[] = [];
    this.start(out);
    const choice = chunk.choices[0];
    if (choice === undefined) return out;
    const delta = choice.delta;
    if (typeof delta.content === 'string' && delta.content !== '') this.text(delta.content, out);
    for (const call of delta.tool_calls ?? []) this.toolCall(call, out);
    if (choice.finish_reason != null) this.stopReason = toStopReason(choice.finish_reason);
    return out;
  }

  raw(event: SseEvent): SseFrame[] {
    this.started = true;
    this.native = true;
    const json = event.data.includes('"message_start"') ? tryParseJson(event.data) : undefined;
    if (isRecord(json) && json.type === 'message_start' && isRecord(json.message)) {
      // Answers echo the model the client asked for, never the provider's id.
      return [
        { event: event.event ?? 'message_start', data: JSON.stringify({ ...json, message: { ...json.message, model: this.ctx.model } }) },
      ];
    }
    return [event.event === undefined ? { data: event.data } : { event: event.event, data: event.data }];
  }

  finish(usage: Usage, _wire: OpenAiUsage | null): SseFrame[] {
    // A native stream already relayed Anthropic's own message_delta and message_stop.
    if (this.native) return [];
    const out: SseFrame[] = [];
    this.start(out);
    this.close(out);
    this.finished = true;
    this.usage = toAnthropicUsage(usage);
    this.stopReason ??= 'end_turn';
    out.push(
      frame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: this.stopReason, stop_sequence: null },
        usage: this.usage,
      }),
      frame('message_stop', { type: 'message_stop' }),
    );
    return out;
  }

  fail(err: ApiError, requestId: string): SseFrame[] {
    const body = anthropicErrorBody(err, requestId);
    return [frame('error', { type: 'error', error: body.error, request_id: requestId })];
  }

  answer(): AnthropicMessageOut {
    const content: OutputBlock[] = this.blocks.map((block) =>
      block.type === 'text' ? block : { type: 'tool_use', id: block.id, name: block.name, input: parseToolArguments(block.json || '{}') },
    );
    return {
      id: this.id,
      type: 'message',
      role: 'assistant',
      content,
      model: this.ctx.model,
      stop_reason: this.finished ? this.stopReason : null,
      stop_sequence: null,
      usage:
        this.usage ??
        toAnthropicUsage({
          promptTokens: 0,
          completionTokens: 0,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          cacheWrite1hTokens: 0,
          reasoningTokens: 0,
        }),
    };
  }

  /** message_start announces the prompt estimate; message_delta carries the billed counts. */
  private start(out: SseFrame[]): void {
    if (this.started) return;
    this.started = true;
    out.push(
      frame('message_start', {
        type: 'message_start',
        message: {
          id: this.id,
          type: 'message',
          role: 'assistant',
          content: [],
          model: this.ctx.model,
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.ctx.promptEstimate, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      }),
      // As Anthropic does: clients must accept pings anywhere in the stream.
      frame('ping', { type: 'ping' }),
    );
  }

  private close(out: SseFrame[]): void {
    if (this.open === null) return;
    out.push(frame('content_block_stop', { type: 'content_block_stop', index: this.open.index }));
    this.open = null;
  }

  private text(text: string, out: SseFrame[]): void {
    if (this.open?.kind !== 'text') {
      this.close(out);
      const index = this.blocks.length;
      this.blocks.push({ type: 'text', text: '' });
      this.open = { kind: 'text', index };
      out.push(frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    }
    const block = this.blocks[this.open.index];
    if (block?.type === 'text') block.text += text;
    out.push(frame('content_block_delta', { type: 'content_block_delta', index: this.open.index, delta: { type: 'text_delta', text } }));
  }

  private toolCall(call: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number], out: SseFrame[]): void {
    let index = this.blockByTool.get(call.index);
    if (index === undefined) {
      this.close(out);
      index = this.blocks.length;
      const id = call.id ?? `toolu_${this.id.slice(4)}_${call.index}`;
      const name = call.function?.name ?? '';
      this.blocks.push({ type: 'tool_use', id, name, json: '' });
      this.blockByTool.set(call.index, index);
      this.open = { kind: 'tool', index, toolIndex: call.index };
      out.push(
        frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } }),
      );
    }
    const args = call.function?.arguments;
    if (args === undefined || args === '') return;
    const block = this.blocks[index];
    if (block?.type === 'tool_use') block.json += args;
    // A provider that interleaves parallel calls' arguments: the fragment still goes to its own block's index.
    out.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } }));
  }
}

export function createMessagesStream(ctx: AnswerContext): IngressStream {
  return new MessagesStream(ctx);
}
