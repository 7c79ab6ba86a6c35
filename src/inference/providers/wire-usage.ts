/** Builds OpenAI's `usage` object from a translated provider's `Usage` (for the client's usage chunk). */
import type { OpenAiUsage, Usage } from './types.js';

export function toWireUsage(usage: Usage): OpenAiUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
}
