/** OpenAI-kind response: already the gateway's shape; only checked and its usage read. */
import { isRecord } from '../json.js';
import { ProviderProtocolError } from '../protocol-error.js';
import type { ChatCompletion, ChatRequest, Usage } from '../types.js';
import { asOpenAiUsage, toUsage } from './usage.js';

export function parseOpenAiResponse(json: unknown, _body: ChatRequest): { completion: ChatCompletion; usage: Usage | null } {
  if (!isRecord(json) || !Array.isArray(json.choices)) {
    throw new ProviderProtocolError('upstream answered 2xx without a chat.completion object');
  }
  const usage = asOpenAiUsage(json.usage);
  return { completion: json as ChatCompletion, usage: usage === null ? null : toUsage(usage) };
}
