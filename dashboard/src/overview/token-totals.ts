// Sums the token buckets of usage rows (prompt, output, cache reads and writes, reasoning).
import type { UsageRow } from '../api';

/** Token totals over some usage rows; cache and reasoning counts are parts of prompt and output. */
export interface TokenTotals {
  prompt: number;
  completion: number;
  cached: number;
  cacheWrite: number;
  reasoning: number;
}

export function tokenTotals(rows: readonly UsageRow[]): TokenTotals {
  const totals: TokenTotals = { prompt: 0, completion: 0, cached: 0, cacheWrite: 0, reasoning: 0 };
  for (const row of rows) {
    totals.prompt += row.prompt_tokens;
    totals.completion += row.completion_tokens;
    // An older gateway's /usage may not return the buckets: count them as zero.
    totals.cached += row.cached_tokens ?? 0;
    totals.cacheWrite += row.cache_write_tokens ?? 0;
    totals.reasoning += row.reasoning_tokens ?? 0;
  }
  return totals;
}
