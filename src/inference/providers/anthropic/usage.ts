/**
 * Anthropic usage → ours. Anthropic reports uncached input (`input_tokens`), cache reads and cache writes
 * separately, and all three are prompt tokens: promptTokens = input + cache_read + cache_creation. Writes are
 * split by lifetime in `cache_creation.ephemeral_5m/1h_input_tokens`; 5-minute writes are spec §2's
 * "cache_creation_input_tokens less the 1-hour writes". Extended-thinking tokens are inside output_tokens and
 * not reported apart, so reasoningTokens is 0
 * (docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 */
import type { Usage } from '../types.js';
import type { AnthropicUsage } from './wire.js';

/** Null when the input or output count is missing: "not reported" is not zero. */
export function toUsage(usage: AnthropicUsage): Usage | null {
  if (usage.input_tokens == null || usage.output_tokens == null) return null;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const by = usage.cache_creation;
  const written1h = by?.ephemeral_1h_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? (by?.ephemeral_5m_input_tokens ?? 0) + written1h;
  return {
    promptTokens: usage.input_tokens + cacheRead + written,
    completionTokens: usage.output_tokens,
    cachedTokens: cacheRead,
    // More 1-hour writes than writes cannot be true: plausibleUsage() then refuses the negative count.
    cacheWriteTokens: written - written1h,
    cacheWrite1hTokens: written1h,
    reasoningTokens: 0,
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
    cache_creation: later.cache_creation ?? earlier.cache_creation,
  };
}
