/** Anthropic Message → OpenAI chat.completion (text blocks joined, tool_use blocks → tool_calls). */
import { ProviderProtocolError } from '../protocol-error.js';
import type { ChatCompletion, ChatRequest, ChatToolCall, Usage } from '../types.js';
import { plausibleUsage, toWireUsage } from '../wire-usage.js';
import { mapStopReason } from './stop-reason.js';
import { toUsage } from './usage.js';
import { anthropicMessageSchema } from './wire.js';

export function parseAnthropicResponse(json: unknown, body: ChatRequest): { completion: ChatCompletion; usage: Usage | null } {
  const parsed = anthropicMessageSchema.safeParse(json);
  if (!parsed.success) throw new ProviderProtocolError('the provider answered 2xx without a Messages API message');
  const message = parsed.data;
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && block.text !== undefined) text += block.text;
    else if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const usage = plausibleUsage(message.usage === undefined ? null : toUsage(message.usage), text !== '' || toolCalls.length > 0);
  const completion: ChatCompletion = {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model ?? body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: mapStopReason(message.stop_reason),
        logprobs: null,
      },
    ],
  };
  if (usage !== null) completion.usage = toWireUsage(usage);
  return { completion, usage };
}
