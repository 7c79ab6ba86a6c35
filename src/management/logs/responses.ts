/** Response schemas of request logs and usage (spec §3 `GET /logs`, `GET /usage`). */
import { z } from 'zod';
import { timestamp, usd } from '../responses.js';

const count = z.number().int();
const decimalUsd = z.string().describe('USD as a decimal string with 6 decimals');

export const RequestLog = z
  .object({
    id: z.string(),
    request_id: z.string(),
    platform_id: z.string(),
    end_user_id: z.string().nullable(),
    request_type: z.enum(['chat.completion', 'response', 'message']),
    provider_id: z.string().nullable(),
    model: z.string(),
    provider_model_id: z.string().nullable(),
    stream: z.boolean(),
    prompt_tokens: count,
    completion_tokens: count,
    total_tokens: count,
    cached_tokens: count,
    cache_write_tokens: count,
    reasoning_tokens: count,
    latency_ms: count,
    ttft_ms: count.nullable(),
    /** Spec §3: the log's amounts are exact decimal strings (they equal the ledger's debit). */
    estimated_cost_usd: decimalUsd,
    end_user_cost_usd: decimalUsd,
    status: z.enum(['success', 'error', 'cancelled', 'rejected']),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    token_count_method: z.enum(['reported', 'estimated']),
    billing_status: z.enum(['billed', 'not_billed']),
    fallback_from: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: timestamp,
  })
  .meta({ id: 'RequestLog' });

/** One group: a day (YYYY-MM-DD), a model, or an end user (null = calls made with a platform key). */
export const UsageRow = z
  .object({
    key: z.string().nullable(),
    requests: count,
    prompt_tokens: count,
    completion_tokens: count,
    cached_tokens: count,
    cache_write_tokens: count,
    reasoning_tokens: count,
    cost_usd: usd,
    end_user_cost_usd: usd,
  })
  .meta({ id: 'UsageRow' });

export const Usage = z
  .object({ data: z.array(UsageRow), from: timestamp, to: timestamp, group_by: z.enum(['day', 'model', 'end_user']) })
  .meta({ id: 'Usage' });
