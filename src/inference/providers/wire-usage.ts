/**
 * Usage as the adapters hand it on: OpenAI's `usage` object built from ours (for the client's usage
 * chunk), and the one plausibility rule every adapter applies before reporting usage at all.
 */
import type { OpenAiUsage, Usage } from './types.js';

/**
 * More tokens than any model reads or writes in one request (the largest context windows hold ~2M):
 * a count above this is a provider bug, and billing it would drain a wallet.
 */
export const MAX_PLAUSIBLE_TOKENS = 100_000_000;

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_PLAUSIBLE_TOKENS;
}

/**
 * The reported usage if it can be true, else null ("not reported": the gateway then estimates, so an
 * implausible report is never billed). Implausible: a count that is not a whole number in
 * [0, MAX_PLAUSIBLE_TOKENS]; more cache reads and writes than prompt tokens; more reasoning than output tokens; no prompt tokens (every chat request sends
 * a message); no completion tokens for an answer that delivered text or a tool call.
 */
export function plausibleUsage(usage: Usage | null, deliveredOutput: boolean): Usage | null {
  if (usage === null) return null;
  const { promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens } = usage;
  if (![promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens].every(isCount)) return null;
  // The prompt buckets are parts of the prompt, reasoning a part of the output.
  if (cachedTokens + cacheWriteTokens + cacheWrite1hTokens > promptTokens || promptTokens === 0) return null;
  if (reasoningTokens > completionTokens) return null;
  if (deliveredOutput && completionTokens === 0) return null;
  return usage;
}

/** Usage with only prompt and output counts (an estimate, or a provider that reports no buckets). */
export function plainUsage(promptTokens: number, completionTokens: number): Usage {
  return { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 };
}

export function toWireUsage(usage: Usage): OpenAiUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    ...(usage.reasoningTokens > 0 && { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }),
  };
}
