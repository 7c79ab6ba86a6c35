/**
 * Streams an answer as OpenAI's typed Responses events (platform.openai.com/docs/api-reference/responses-streaming),
 * each with the next `sequence_number`: `response.created` and `response.in_progress`, then per output item
 * `output_item.added`, its text (`content_part.added`, `output_text.delta`…, `output_text.done`, `content_part.done`)
 * or arguments (`function_call_arguments.delta`…, `.done`), `output_item.done`; and `response.completed` (or
 * `response.incomplete`, as OpenAI ends a truncated answer) with usage, or `response.failed`. No `[DONE]`.
 * A native call's events are relayed as the provider sent them, with our response id and the client's model.
 */
import type { ApiError } from '../../../http/errors.js';
import { isRecord, tryParseJson } from '../../providers/json.js';
import type { ChatCompletionChunk, FinishReason, SseEvent, Usage } from '../../providers/types.js';
import type { AnswerContext, IngressStream, SseFrame } from '../types.js';
import { adjustNative, finishStatus, itemId, outputText, responseSkeleton, toResponseUsage } from './render.js';
import type { OutputFunctionCall, OutputItem, OutputMessage, ResponseObject, ResponsesBody } from './wire.js';

export type ResponsesStream = IngressStream & { answer(): ResponseObject | undefined };

export function createResponsesStream(ctx: AnswerContext, body: ResponsesBody): ResponsesStream {
  let sequence = 0;
  let started = false;
  // A native call relays the provider's own events, its terminal one included: nothing is added at the end.
  let native = false;
  let finishReason: FinishReason | null = null;
  let answer: ResponseObject | undefined;
  const output: OutputItem[] = [];
  let message: { index: number; item: OutputMessage } | null = null;
  const calls = new Map<number, { index: number; item: OutputFunctionCall }>();

  const frame = (type: string, payload: Record<string, unknown>): SseFrame => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: sequence++, ...payload }),
  });

  function start(frames: SseFrame[]): void {
    if (started) return;
    started = true;
    const response = responseSkeleton(body, ctx);
    frames.push(frame('response.created', { response }), frame('response.in_progress', { response }));
  }

  function text(delta: string, frames: SseFrame[]): void {
    if (!message) {
      const item: OutputMessage = {
        type: 'message',
        id: itemId('msg', ctx.requestId, output.length),
        status: 'in_progress',
        role: 'assistant',
        content: [],
      };
      message = { index: output.length, item };
      output.push(item);
      frames.push(frame('response.output_item.added', { output_index: message.index, item: { ...item, content: [] } }));
      item.content.push({ type: 'output_text', text: '', annotations: [] });
      const part = { type: 'output_text', text: '', annotations: [] };
      frames.push(frame('response.content_part.added', { item_id: item.id, output_index: message.index, content_index: 0, part }));
    }
    message.item.content[0].text += delta;
    frames.push(
      frame('response.output_text.delta', { item_id: message.item.id, output_index: message.index, content_index: 0, delta, logprobs: [] }),
    );
  }

  function toolCall(delta: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number], frames: SseFrame[]): void {
    let call = calls.get(delta.index);
    if (!call) {
      const index = output.length;
      const item: OutputFunctionCall = {
        type: 'function_call',
        id: itemId('fc', ctx.requestId, index),
        call_id: delta.id ?? `call_${ctx.requestId.replaceAll('-', '')}${index}`,
        name: delta.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      call = { index, item };
      calls.set(delta.index, call);
      output.push(item);
      frames.push(frame('response.output_item.added', { output_index: index, item: { ...item } }));
    } else if (call.item.name === '' && delta.function?.name) {
      call.item.name = delta.function.name;
    }
    const args = delta.function?.arguments;
    if (args) {
      call.item.arguments += args;
      frames.push(frame('response.function_call_arguments.delta', { item_id: call.item.id, output_index: call.index, delta: args }));
    }
  }

  /** Every open item ends, in output order, with its final text or arguments. */
  function closeItems(frames: SseFrame[], status: 'completed' | 'incomplete'): void {
    output.forEach((item, index) => {
      item.status = status;
      if (item.type === 'message') {
        const part = item.content[0];
        frames.push(
          frame('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text: part.text, logprobs: [] }),
          frame('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part }),
        );
      } else {
        frames.push(
          frame('response.function_call_arguments.done', {
            item_id: item.id,
            output_index: index,
            name: item.name,
            arguments: item.arguments,
          }),
        );
      }
      frames.push(frame('response.output_item.done', { output_index: index, item }));
    });
  }

  return {
    chunk(chunk: ChatCompletionChunk): SseFrame[] {
      const frames: SseFrame[] = [];
      start(frames);
      // A Responses answer has one choice: the gateway never asks for more.
      const choice = chunk.choices.find((c) => c.index === 0);
      if (!choice) return frames;
      const content = choice.delta.content;
      if (typeof content === 'string' && content !== '') text(content, frames);
      for (const delta of choice.delta.tool_calls ?? []) toolCall(delta, frames);
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return frames;
    },

    raw(event: SseEvent): SseFrame[] {
      native = true;
      started = true;
      const payload = tryParseJson(event.data);
      // A failure frame of ours continues the provider's numbering.
      if (isRecord(payload) && typeof payload.sequence_number === 'number') sequence = payload.sequence_number + 1;
      // Lifecycle events carry the response: it gets our id and the client's model; everything else is relayed as sent.
      if (!isRecord(payload) || !isRecord(payload.response)) return [{ ...(event.event && { event: event.event }), data: event.data }];
      const response = adjustNative(payload.response, ctx, body) as unknown as ResponseObject;
      if (payload.type === 'response.completed' || payload.type === 'response.incomplete') answer = response;
      return [{ ...(event.event && { event: event.event }), data: JSON.stringify({ ...payload, response }) }];
    },

    finish(usage: Usage): SseFrame[] {
      if (native) return [];
      const frames: SseFrame[] = [];
      start(frames);
      const status = finishStatus(finishReason);
      closeItems(frames, status.status === 'completed' ? 'completed' : 'incomplete');
      answer = { ...responseSkeleton(body, ctx), ...status, output, output_text: outputText(output), usage: toResponseUsage(usage) };
      frames.push(frame(status.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: answer }));
      return frames;
    },

    fail(err: ApiError): SseFrame[] {
      const frames: SseFrame[] = [];
      start(frames);
      const response = { ...responseSkeleton(body, ctx), status: 'failed', error: { code: err.code, message: err.message }, output };
      frames.push(frame('response.failed', { response }));
      return frames;
    },

    answer: () => answer,
  };
}
