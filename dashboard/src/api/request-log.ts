// Wire shape of one inference log row (prompts and outputs are never stored).

/** Outcome of an inference call. */
export type RequestLogStatus = 'success' | 'error' | 'cancelled' | 'rejected';

/** Which ingress took the call: Chat Completions, the Responses API or the Messages API (others as sent). */
export type RequestType = 'chat.completion' | 'response' | 'message' | (string & {});

/** One inference call; costs are strings with 6 decimals. */
export interface RequestLog {
  id: string;
  request_id: string;
  platform_id: string;
  end_user_id: string | null;
  request_type: RequestType;
  provider_id: string | null;
  model: string;
  provider_model_id: string | null;
  stream: boolean;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  /** Prompt tokens read from the provider's cache. */
  cached_tokens: number | null;
  /** Prompt tokens written to the cache (5-minute and 1-hour writes together). */
  cache_write_tokens: number | null;
  /** Output tokens spent reasoning (inside `completion_tokens`). */
  reasoning_tokens: number | null;
  latency_ms: number | null;
  ttft_ms?: number | null;
  estimated_cost_usd: string | number | null;
  end_user_cost_usd: string | number | null;
  status: RequestLogStatus;
  error_code?: string | null;
  error_message?: string | null;
  token_count_method: string;
  billing_status: string;
  fallback_from?: string | null;
  created_at: string;
}
