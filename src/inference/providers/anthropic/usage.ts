/**
 * Anthropic usage → ours. Anthropic reports uncached input, cache reads and cache writes separately;
 * all three are prompt tokens, and only cache reads are billed at the cached rate
 * (docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 */
import type { Usage } from '../types.js';
import type { AnthropicUsage } from './wire.js';

/** Null when the input or output count is missing: "not reported" is not zero. */
export function toUsage(usage: AnthropicUsage): Usage | null {
  if (usage.input_tokens == null || usage.output_tokens == null) return null;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  return {
    promptTokens: (usage.input_tokens ?? 0) + cacheRead + (usage.cache_creation_input_tokens ?? 0),
    completionTokens: usage.output_tokens,
    cachedTokens: cacheRead,
  };
}

/** Later usage (message_delta's cumulative counts) overrides earlier (message_start's), field by field. */
export function mergeUsage(earlier: AnthropicUsage, later: AnthropicUsage | undefined): AnthropicUsage {
  if (later === undefined) return earlier;
  return {
    input_tokens: later.input_tokens ?? earlier.input_tokens,
    output_tokens: later.output_tokens ?? earlier.output_tokens,
    cache_creation_input_tokens: later.cache_creation_input_tokens ?? earlier.cache_creation_input_tokens,
    cache_read_input_tokens: later.cache_read_input_tokens ?? earlier.cache_read_input_tokens,
  };
}
