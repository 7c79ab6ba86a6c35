/**
 * The internal answer → Anthropic's Message object (docs.anthropic.com/en/api/messages, spec §5b), and the
 * pieces the stream renderer shares: message ids, stop reasons and usage.
 */
import { parseToolArguments } from '../../providers/json-bounds.js';
import type { ChatCompletion, FinishReason, Usage } from '../../providers/types.js';
import type { AnswerContext } from '../types.js';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export type AnthropicUsageOut = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
};

export type OutputBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type AnthropicMessageOut = {
  id: string;
  type: 'message';
  role: 'assistant';
  content: OutputBlock[];
  model: string;
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsageOut;
};

/** `msg_` + the gateway's request id: unique per answer, and the id support can look up. */
export function messageId(ctx: AnswerContext): string {
  return `msg_${ctx.requestId.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** Chat `finish_reason` → Anthropic `stop_reason` (docs.anthropic.com/en/api/handling-stop-reasons). */
export function toStopReason(finish: FinishReason | null | undefined): StopReason {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * Our usage → Anthropic's: Anthropic's `input_tokens` are the prompt tokens neither read from nor written
 * to the cache; reads and writes are reported apart (their sum with input_tokens is the whole prompt).
 */
export function toAnthropicUsage(usage: Usage): AnthropicUsageOut {
  const written = usage.cacheWriteTokens + usage.cacheWrite1hTokens;
  return {
    input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens - written),
    output_tokens: usage.completionTokens,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: usage.cachedTokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWriteTokens, ephemeral_1h_input_tokens: usage.cacheWrite1hTokens },
  };
}

export function renderMessage(completion: ChatCompletion, usage: Usage, ctx: AnswerContext): AnthropicMessageOut {
  const choice = completion.choices[0];
  const content: OutputBlock[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) });
  }
  return {
    id: messageId(ctx),
    type: 'message',
    role: 'assistant',
    content,
    model: ctx.model,
    stop_reason: toStopReason(choice?.finish_reason),
    // Chat Completions does not say which stop sequence ended the answer.
    stop_sequence: null,
    usage: toAnthropicUsage(usage),
  };
}

/** A native answer as Anthropic sent it, but for the model: answers echo the client's, never the provider's id. */
export function renderNativeMessage(json: Record<string, unknown>, ctx: AnswerContext): Record<string, unknown> {
  return { ...json, model: ctx.model };
}
