/**
 * The internal answer as OpenAI's `response` object (platform.openai.com/docs/api-reference/responses/object):
 * ids, the request's echoed settings, output items, `output_text` and usage with its cached and reasoning details.
 */
import type { ChatCompletion, FinishReason, Usage } from '../../providers/types.js';
import type { AnswerContext } from '../types.js';
import type { OutputItem, ResponseObject, ResponsesBody, ResponseUsage } from './wire.js';

/** Ids derive from the gateway's request id (a UUID): the response id names its log row. */
export function responseId(requestId: string): string {
  return `resp_${requestId.replaceAll('-', '')}`;
}

/** An output item's id: `msg_…` or `fc_…`, unique within the response by its output index. */
export function itemId(prefix: 'msg' | 'fc', requestId: string, outputIndex: number): string {
  return `${prefix}_${requestId.replaceAll('-', '')}${outputIndex.toString(16).padStart(4, '0')}`;
}

export function toResponseUsage(usage: Usage): ResponseUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** The response object before any output: what `response.created` announces, and what the answer completes. */
export function responseSkeleton(body: ResponsesBody, ctx: AnswerContext): ResponseObject {
  return {
    id: responseId(ctx.requestId),
    object: 'response',
    created_at: ctx.createdAtS,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: ctx.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store !== false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

/**
 * A native answer's response object as the client sees it: our id, the client's model, and the client's own
 * `store` and `previous_response_id` (the provider was sent the whole conversation with `store: false`).
 */
export function adjustNative(response: Record<string, unknown>, ctx: AnswerContext, body: ResponsesBody): Record<string, unknown> {
  return {
    ...response,
    id: responseId(ctx.requestId),
    model: ctx.model,
    store: body.store !== false,
    previous_response_id: body.previous_response_id ?? null,
  };
}

/** `length` ran out of output tokens and `content_filter` was cut: both leave the response incomplete. */
export function finishStatus(finish: FinishReason | null): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The concatenated text of the output's messages (the SDKs' `output_text`). */
export function outputText(output: OutputItem[]): string {
  let text = '';
  for (const item of output) if (item.type === 'message') for (const part of item.content) text += part.text;
  return text;
}

export function renderResponse(completion: ChatCompletion, usage: Usage, ctx: AnswerContext, body: ResponsesBody): ResponseObject {
  const choice = completion.choices[0];
  const finish = finishStatus(choice?.finish_reason ?? null);
  const itemStatus = finish.status === 'completed' ? 'completed' : 'incomplete';
  const output: OutputItem[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text !== '') {
    output.push({
      type: 'message',
      id: itemId('msg', ctx.requestId, output.length),
      status: itemStatus,
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    });
  }
  for (const call of choice?.message.tool_calls ?? []) {
    output.push({
      type: 'function_call',
      id: itemId('fc', ctx.requestId, output.length),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: itemStatus,
    });
  }
  return { ...responseSkeleton(body, ctx), ...finish, output, output_text: outputText(output), usage: toResponseUsage(usage) };
}
