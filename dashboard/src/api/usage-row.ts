// Wire shape of one row of `GET /usage`.

/** How `GET /usage` groups its rows. */
export type UsageGroupBy = 'day' | 'model' | 'end_user';

/** Aggregated usage for one key (a day, a model slug or an end-user id); costs in USD. */
export interface UsageRow {
  key: string | null;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | string;
  end_user_cost_usd: number | string;
}
