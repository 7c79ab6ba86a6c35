/**
 * `POST /v1/messages/count_tokens` (spec §5): the gateway's own tokenizer estimate of the prompt, as the
 * translated request would send it. Not billed, not rate-limited, no log row.
 */
import { estimatePromptTokens } from '../../core/tokens.js';
import { parseCountTokensBody } from './request.js';
import { toChatRequest } from './translate.js';

export function countMessageTokens(body: unknown): { input_tokens: number } {
  const { chat } = toChatRequest(parseCountTokensBody(body));
  return { input_tokens: estimatePromptTokens(chat) };
}
