/** Builds request log rows (spec §3 "Log rows"): one per authenticated, validated inference call. */
import { uuidv7 } from '../../crypto/ids.js';
import type { RequestLogsTable } from '../../store/schema.js';

export type LogBase = {
  requestId: string;
  requestType: RequestLogsTable['request_type'];
  platformId: string;
  endUserId: string | null;
  model: string;
  stream: boolean;
  metadata: unknown;
  /** Request fields the answering provider could not honour (filled when the route is known): `metadata.warnings`. */
  warnings: string[];
  /** Monotonic start (performance.now()) for latencies. */
  startedAtMs: number;
  /** Wall-clock start (the context's clock) for created_at. */
  createdAtMs: number;
};

export function logRow(
  base: LogBase,
  fields: Partial<Omit<RequestLogsTable, 'id' | 'request_id' | 'platform_id' | 'end_user_id' | 'model' | 'stream' | 'metadata'>> & {
    status: RequestLogsTable['status'];
    latency_ms: number;
  },
): RequestLogsTable {
  const own = base.metadata && typeof base.metadata === 'object' && !Array.isArray(base.metadata) ? base.metadata : {};
  const metadata = base.warnings.length > 0 ? { ...own, warnings: base.warnings } : own;
  return {
    id: uuidv7(),
    request_id: base.requestId,
    platform_id: base.platformId,
    end_user_id: base.endUserId,
    request_type: base.requestType,
    provider_id: null,
    model: base.model,
    provider_model_id: null,
    stream: base.stream ? 1 : 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    ttft_ms: null,
    cost_micros: 0,
    end_user_cost_micros: 0,
    error_code: null,
    error_message: null,
    token_count_method: 'reported',
    billing_status: 'not_billed',
    fallback_from: null,
    metadata: JSON.stringify(metadata),
    created_at: new Date(base.createdAtMs).toISOString(),
    ...fields,
  };
}
