/**
 * Gemini usageMetadata → ours. promptTokenCount already includes cachedContentTokenCount; tool-use prompt
 * tokens are billed as input; thinking tokens (thoughtsTokenCount) are billed as output but are not part
 * of candidatesTokenCount (ai.google.dev/api/generate-content#UsageMetadata).
 */
import type { Usage } from '../types.js';
import type { GeminiUsage } from './wire.js';

/** Null without a prompt count; a missing candidates count is 0 (Gemini omits it for empty answers). */
export function toUsage(usage: GeminiUsage): Usage | null {
  if (usage.promptTokenCount === undefined) return null;
  return {
    promptTokens: usage.promptTokenCount + (usage.toolUsePromptTokenCount ?? 0),
    completionTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cachedTokens: usage.cachedContentTokenCount ?? 0,
    // Gemini's context cache is created by a separate call (billed as storage), never by a generation.
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: usage.thoughtsTokenCount ?? 0,
  };
}
