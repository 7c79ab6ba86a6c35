/** Settlement of one admitted call: the actual cost replaces the reservation once, then the log row. */
import type { Reservation } from '../billing/engine-types.js';
import { costMicros } from '../billing/money.js';
import type { AppContext } from '../context.js';
import type { RateTicket } from '../ratelimit/types.js';
import type { RequestLogsTable } from '../store/schema.js';
import { type LogBase, logRow } from './log-row.js';
import type { Usage } from './providers/types.js';
import type { Candidate, RouteCache } from './route-cache.js';

/** The pipeline's own state (its routing cache); billing, rate limits, logs and timeouts are the context's. */
export type InferenceDeps = {
  ctx: AppContext;
  routes: RouteCache;
};

/** What one admitted call carries from admission to settlement. */
export type Admitted = {
  base: LogBase;
  reservation: Reservation;
  ticket: RateTicket | null;
  promptEstimate: number;
  rateHeaders: Record<string, string>;
};

export const elapsedMs = (startedAtMs: number) => Math.max(0, Math.round(performance.now() - startedAtMs));

/** Settles the actual cost once and records the call. Returns the wallet charge in µUSD. */
export async function settleAndLog(
  deps: InferenceDeps,
  admitted: Admitted,
  candidate: Candidate,
  outcome: {
    usage: Usage;
    tokenCountMethod: 'reported' | 'estimated';
    status: RequestLogsTable['status'];
    fallbackFrom: string | null;
    ttftMs: number | null;
    errorCode?: string;
    errorMessage?: string;
  },
): Promise<number> {
  const { billing, rateLimiter, requestLogs } = deps.ctx;
  const settled = await billing.settle(admitted.reservation, {
    costMicros: costMicros(candidate, outcome.usage),
    description: `${admitted.base.model} via ${candidate.providerSlug}`,
  });
  // An expired reservation was voided by the sweeper: nothing was debited for this call.
  const billed = settled.status !== 'expired';
  if (admitted.ticket) rateLimiter.settle(admitted.ticket, outcome.usage.promptTokens + outcome.usage.completionTokens);
  requestLogs.add(
    logRow(admitted.base, {
      status: outcome.status,
      latency_ms: elapsedMs(admitted.base.startedAtMs),
      ttft_ms: outcome.ttftMs,
      provider_id: candidate.providerId,
      provider_model_id: candidate.providerModelId,
      prompt_tokens: outcome.usage.promptTokens,
      completion_tokens: outcome.usage.completionTokens,
      cached_tokens: outcome.usage.cachedTokens,
      cost_micros: billed ? settled.walletMicros : 0,
      end_user_cost_micros: billed ? settled.endUserMicros : 0,
      token_count_method: outcome.tokenCountMethod,
      billing_status: billed ? 'billed' : 'not_billed',
      fallback_from: outcome.fallbackFrom,
      error_code: outcome.errorCode ?? null,
      error_message: outcome.errorMessage ?? null,
    }),
  );
  return settled.walletMicros;
}
