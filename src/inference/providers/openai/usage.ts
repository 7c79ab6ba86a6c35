/** Reads OpenAI's `usage` object (platform.openai.com/docs/api-reference/chat/object#usage). */
import { isRecord } from '../json.js';
import type { OpenAiUsage, Usage } from '../types.js';
import { plainUsage, plausibleUsage } from '../wire-usage.js';

/** The usage object if it has the two required counts, else null ("not reported", not zero). */
export function asOpenAiUsage(raw: unknown): OpenAiUsage | null {
  if (!isRecord(raw)) return null;
  if (typeof raw.prompt_tokens !== 'number' || typeof raw.completion_tokens !== 'number') return null;
  return raw as OpenAiUsage;
}

/**
 * prompt_tokens already includes the cached tokens (`prompt_tokens_details.cached_tokens`), completion_tokens
 * the reasoning tokens (`completion_tokens_details.reasoning_tokens`). OpenAI bills no cache writes.
 */
export function toUsage(usage: OpenAiUsage): Usage {
  const details = usage.prompt_tokens_details;
  const cached = isRecord(details) ? details.cached_tokens : undefined;
  const outDetails = usage.completion_tokens_details;
  const reasoning = isRecord(outDetails) ? outDetails.reasoning_tokens : undefined;
  return {
    ...plainUsage(usage.prompt_tokens, usage.completion_tokens),
    cachedTokens: typeof cached === 'number' ? cached : 0,
    reasoningTokens: typeof reasoning === 'number' ? reasoning : 0,
  };
}

/** The provider's usage object and ours, or null when it reported none or none that can be true. */
export function readOpenAiUsage(raw: unknown, deliveredOutput: boolean): { usage: Usage; wire: OpenAiUsage } | null {
  const wire = asOpenAiUsage(raw);
  const usage = wire === null ? null : plausibleUsage(toUsage(wire), deliveredOutput);
  return usage === null || wire === null ? null : { usage, wire };
}
