/**
 * One admitted inference request (spec §5c). admit() takes the rate-limit slot and the hold and returns
 * an Admission; from then on the Admission owns them and resolves them exactly once:
 *   - settle(): the provider answered (fully, partly, or the client left): bill what was generated;
 *   - fail():   nothing billable happened (every candidate failed, or nothing reached the provider);
 *   - close():  called by the ingress in a `finally`: resolves whatever is still open (an exception in our
 *               own code, a rejected promise, a settlement that threw) by releasing the hold and the slot.
 * Each path writes the request's one log row, in the same transaction as the money it moves. The three ingress
 * formats (chat, responses, messages) share this object unchanged.
 */
import type { Reservation, ReserveTerms, Settled } from '../../billing/engine-types.js';
import { costMicros, reservePrices } from '../../billing/money.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import type { RateTicket } from '../../ratelimit/types.js';
import type { RequestLogsTable } from '../../store/schema.js';
import type { Usage } from '../providers/types.js';
import { type LogBase, logRow } from './log-row.js';
import type { Candidate, PlatformRouting } from './route-cache.js';
import { type PromptTokens, reservePromptTokens } from './tokens.js';

export const elapsedMs = (startedAtMs: number) => Math.max(0, Math.round(performance.now() - startedAtMs));

/** What admission needs to know about the request, whatever its ingress format. */
export type AdmissionRequest = {
  base: LogBase;
  /** The prompt's token bound, and its estimate (counted on first use: tpm, a tight balance, usage no provider reported). */
  prompt: PromptTokens;
  /** Output tokens the request may produce in all: per-choice maximum × choices. */
  maxOutputTokens: number;
};

export type AdmitOutcome = { ok: true; admission: Admission } | { ok: false; error: ApiError };

/**
 * Rate limits, then the reservation (spec §5 steps 3–4). A refusal gets its `rejected` log row here and
 * leaves nothing held; success hands everything held to the returned Admission.
 */
export async function admit(
  ctx: AppContext,
  request: AdmissionRequest,
  candidates: Candidate[],
  /** The platform's billing settings, from the routing cache: they travel with the reservation. */
  platform: Pick<PlatformRouting, 'markupPercentage' | 'lowBalancePcts'>,
  onError: (err: unknown) => void,
): Promise<AdmitOutcome> {
  const { base } = request;
  const { billing, rateLimiter } = ctx;
  let ticket: RateTicket | null = null;
  let rateHeaders: Record<string, string> = {};
  if (base.endUserId) {
    const limited = await rateLimiter.admit({
      requestId: base.requestId,
      platformId: base.platformId,
      endUserId: base.endUserId,
      // Read only when the end user has a tpm limit: only then is the prompt tokenized here.
      estimatedTokens: () => reservePromptTokens(request.prompt.estimate) + request.maxOutputTokens,
    });
    if (!limited.ok) {
      return refuse(
        ctx,
        base,
        new ApiError(429, 'rate_limit_exceeded', limited.message, {
          headers: { ...limited.headers, 'retry-after': String(limited.retryAfterSeconds) },
        }),
      );
    }
    ticket = limited.ticket;
    rateHeaders = limited.headers;
  }

  let reserved: Awaited<ReturnType<typeof billing.reserve>>;
  try {
    reserved = await billing.reserve({
      requestId: base.requestId,
      platformId: base.platformId,
      endUserId: base.endUserId,
      ...reserveTerms(candidates, request.prompt.bound),
      // The tokenizer's count, for an engine that finds the bound would be refused or need an auto-replenish.
      exact: () => reserveTerms(candidates, request.prompt.estimate),
      maxOutputTokens: request.maxOutputTokens,
      // Platform-key calls are billed to no end user, so no end-user markup applies (spec §5).
      markupPercentage: base.endUserId ? platform.markupPercentage : 0,
      // Budgets' low-balance percentages: the settlement then reads no settings row.
      lowBalancePcts: platform.lowBalancePcts,
    });
  } catch (err) {
    if (ticket) rateLimiter.release(ticket);
    throw err;
  }
  if (!reserved.ok) {
    // The slot is returned, so the headers counted at admission would be stale: a 402 carries none.
    if (ticket) rateLimiter.release(ticket);
    return refuse(ctx, base, new ApiError(402, reserved.code, reserved.message));
  }
  return { ok: true, admission: new Admission(ctx, request, reserved.reservation, ticket, rateHeaders, onError) };
}

/**
 * The prompt's reserve tokens (with the safety margin) and the highest prices any candidate could bill them at:
 * its dearest input bucket, and every tier that many prompt tokens could cross.
 */
function reserveTerms(candidates: Candidate[], promptTokens: number): ReserveTerms {
  const reserveTokens = reservePromptTokens(promptTokens);
  const worst = candidates.map((c) => reservePrices(c, reserveTokens));
  return {
    promptTokens: reserveTokens,
    inputMicrosPerMtok: Math.max(...worst.map((p) => p.inputMicrosPerMtok)),
    outputMicrosPerMtok: Math.max(...worst.map((p) => p.outputMicrosPerMtok)),
  };
}

function refuse(ctx: AppContext, base: LogBase, error: ApiError): AdmitOutcome {
  ctx.requestLogs.add(
    logRow(base, { status: 'rejected', latency_ms: elapsedMs(base.startedAtMs), error_code: error.code, error_message: error.message }),
  );
  return { ok: false, error };
}

/** How a call that reached a provider ended, for settle(). */
export type SettleOutcome = {
  usage: Usage;
  tokenCountMethod: 'reported' | 'estimated';
  status: 'success' | 'error' | 'cancelled';
  fallbackFrom: string | null;
  ttftMs: number | null;
  errorCode?: string;
  errorMessage?: string;
};

/** How a call that produced nothing billable ended, for fail(). */
export type FailOutcome = {
  status: 'error' | 'cancelled';
  errorCode: string;
  errorMessage: string;
  fallbackFrom: string | null;
  /** true when a provider may have run the request (its rate-limit slot then counts, with 0 tokens). */
  reachedProvider: boolean;
};

type State = 'open' | 'resolving' | 'resolved';

export class Admission {
  private state: State = 'open';
  /** The route that last handled the call (for the log row of a failure). */
  private candidate: Candidate | null = null;

  constructor(
    private readonly ctx: AppContext,
    readonly request: AdmissionRequest,
    readonly reservation: Reservation,
    private readonly ticket: RateTicket | null,
    /** x-ratelimit-* headers for the answer. */
    readonly rateHeaders: Record<string, string>,
    /** Where failures of bookkeeping that must not interrupt a resolution are reported. */
    private readonly onError: (err: unknown) => void,
  ) {}

  get base(): LogBase {
    return this.request.base;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Records which candidate route is being tried (for the log row, whatever ends the call). */
  trying(candidate: Candidate): void {
    this.candidate = candidate;
  }

  /**
   * Bills the actual cost at the answering route's prices, in one transaction that replaces the hold,
   * settles the rate-limit slot and writes the log row. Throws when the engine cannot commit: the
   * admission then stays open and close() releases it (nothing was billed, so nothing may be delivered).
   */
  async settle(candidate: Candidate, outcome: SettleOutcome): Promise<Settled> {
    this.begin();
    this.candidate = candidate;
    // The engine writes the row in the debit's transaction, with the amounts it actually charged.
    const row = logRow(this.base, {
      status: outcome.status,
      latency_ms: elapsedMs(this.base.startedAtMs),
      ttft_ms: outcome.ttftMs,
      provider_id: candidate.providerId,
      provider_model_id: candidate.providerModelId,
      prompt_tokens: outcome.usage.promptTokens,
      completion_tokens: outcome.usage.completionTokens,
      cached_tokens: outcome.usage.cachedTokens,
      cache_write_tokens: outcome.usage.cacheWriteTokens + outcome.usage.cacheWrite1hTokens,
      reasoning_tokens: outcome.usage.reasoningTokens,
      token_count_method: outcome.tokenCountMethod,
      fallback_from: outcome.fallbackFrom,
      error_code: outcome.errorCode ?? null,
      error_message: outcome.errorMessage ?? null,
    });
    let settled: Settled;
    try {
      settled = await this.ctx.billing.settle(this.reservation, {
        costMicros: costMicros(candidate, outcome.usage),
        description: `${this.base.model} via ${candidate.providerSlug}`,
        logRow: row,
      });
    } catch (err) {
      this.state = 'open';
      throw err;
    }
    this.state = 'resolved';
    // The money and the row are committed: nothing after this line may undo the resolution.
    const ticket = this.ticket;
    if (ticket) this.guard(() => this.ctx.rateLimiter.settle(ticket, outcome.usage.promptTokens + outcome.usage.completionTokens));
    return settled;
  }

  /** Nothing billable happened: voids the hold, settles or returns the slot, logs the failure. */
  async fail(outcome: FailOutcome): Promise<void> {
    this.begin();
    await this.releaseAll(outcome.reachedProvider, {
      status: outcome.status,
      error_code: outcome.errorCode,
      error_message: outcome.errorMessage,
      fallback_from: outcome.fallbackFrom,
    });
  }

  /**
   * The ingress's `finally`: resolves an admission nobody resolved (an exception in the gateway's own code,
   * a settlement that could not commit). Never throws: a failure here is reported to `onError`, and the
   * PostgreSQL sweeper releases what could not be (SQLite holds end with the process).
   */
  async close(cause: unknown): Promise<void> {
    if (this.state !== 'open') return;
    this.begin();
    const internal = cause instanceof ApiError ? cause : null;
    try {
      await this.releaseAll(false, {
        status: 'error',
        error_code: internal?.code ?? 'internal_error',
        error_message: internal?.message ?? 'The gateway failed while handling this request; nothing was billed.',
        fallback_from: null,
      });
    } catch (err) {
      this.onError(err);
    }
  }

  /** Runs a bookkeeping step that must not stop the resolution (its failure is only reported). */
  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.onError(err);
    }
  }

  private begin(): void {
    if (this.state !== 'open') throw new Error(`admission ${this.base.requestId} resolved twice`);
    this.state = 'resolving';
  }

  private async releaseAll(
    reachedProvider: boolean,
    fields: Pick<RequestLogsTable, 'status' | 'error_code' | 'error_message' | 'fallback_from'>,
  ): Promise<void> {
    const ticket = this.ticket;
    if (ticket) this.guard(() => (reachedProvider ? this.ctx.rateLimiter.settle(ticket, 0) : this.ctx.rateLimiter.release(ticket)));
    const candidate = this.candidate;
    const row = logRow(this.base, {
      ...fields,
      latency_ms: elapsedMs(this.base.startedAtMs),
      provider_id: candidate?.providerId ?? null,
      provider_model_id: candidate?.providerModelId ?? null,
    });
    this.state = 'resolved';
    try {
      await this.ctx.billing.release(this.reservation, row);
    } catch (err) {
      // The hold is the sweeper's now (PostgreSQL); the row still reaches the log through the batched writer.
      this.ctx.requestLogs.add(row);
      throw err;
    }
  }
}
