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
 * [0, MAX_PLAUSIBLE_TOKENS]; more cached than prompt tokens; no prompt tokens (every chat request sends
 * a message); no completion tokens for an answer that delivered text or a tool call.
 */
export function plausibleUsage(usage: Usage | null, deliveredOutput: boolean): Usage | null {
  if (usage === null) return null;
  const { promptTokens, completionTokens, cachedTokens } = usage;
  if (!isCount(promptTokens) || !isCount(completionTokens) || !isCount(cachedTokens)) return null;
  if (cachedTokens > promptTokens || promptTokens === 0) return null;
  if (deliveredOutput && completionTokens === 0) return null;
  return usage;
}

export function toWireUsage(usage: Usage): OpenAiUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
}
