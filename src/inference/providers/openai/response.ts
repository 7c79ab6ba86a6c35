/** OpenAI-kind response: already the gateway's shape; checked, array content joined, usage read. */
import { isRecord } from '../json.js';
import { ProviderProtocolError } from '../protocol-error.js';
import type { ChatCompletion, ChatRequest, Usage } from '../types.js';
import { readOpenAiUsage } from './usage.js';
import { checkChoices } from './wire.js';

function deliveredOutput(completion: ChatCompletion): boolean {
  return completion.choices.some((choice) => Boolean(choice.message.content) || (choice.message.tool_calls?.length ?? 0) > 0);
}

export function parseOpenAiResponse(json: unknown, _body: ChatRequest): { completion: ChatCompletion; usage: Usage | null } {
  if (!isRecord(json) || !Array.isArray(json.choices)) {
    throw new ProviderProtocolError('the provider answered 2xx without a chat.completion object');
  }
  const { problem } = checkChoices(json.choices, 'message');
  if (problem !== undefined) throw new ProviderProtocolError(`the provider answered a malformed chat.completion: ${problem}`);
  const completion = json as ChatCompletion;
  const read = readOpenAiUsage(json.usage, deliveredOutput(completion));
  // Implausible usage is dropped from the body too: the gateway puts its estimate there instead.
  if (read === null) delete completion.usage;
  return { completion, usage: read?.usage ?? null };
}
