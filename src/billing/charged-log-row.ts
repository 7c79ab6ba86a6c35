/**
 * The request log row as the engines write it inside the settlement's transaction: its money columns come
 * from what the engine actually charged, never from the caller's estimate, so the log and the ledger agree.
 */
import type { RequestLogsTable } from '../store/schema.js';

/** The columns of request_logs in table order (both engines insert them positionally). */
export const LOG_COLUMNS = [
  'id',
  'request_id',
  'platform_id',
  'end_user_id',
  'request_type',
  'provider_id',
  'model',
  'provider_model_id',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'latency_ms',
  'ttft_ms',
  'cost_micros',
  'end_user_cost_micros',
  'status',
  'error_code',
  'error_message',
  'token_count_method',
  'billing_status',
  'fallback_from',
  'metadata',
  'created_at',
  'cache_write_tokens',
  'reasoning_tokens',
] as const satisfies ReadonlyArray<keyof RequestLogsTable>;

/** `charged` null: nothing was debited (released, or expired before the settlement). */
export function chargedLogRow(row: RequestLogsTable, charged: { walletMicros: number; endUserMicros: number } | null): RequestLogsTable {
  return charged
    ? { ...row, cost_micros: charged.walletMicros, end_user_cost_micros: charged.endUserMicros, billing_status: 'billed' }
    : { ...row, cost_micros: 0, end_user_cost_micros: 0, billing_status: 'not_billed' };
}
