/**
 * The contract between the inference pipeline and the money engine (spec §5 steps 4 and 6, design §4).
 * A reservation is a pending transfer: it resolves exactly once, by settle (post the actual cost,
 * release the rest) or release (void), or by the sweeper when its request never came back.
 */
import type { RequestLogsTable } from '../store/schema.js';

/** The prompt side of a reservation: its tokens (with the safety margin) and the prices they could be billed at. */
export type ReserveTerms = {
  promptTokens: number;
  inputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
};

/** What the pipeline knows before the upstream call, at the most expensive candidate route's prices. */
export type ReserveRequest = ReserveTerms & {
  requestId: string;
  platformId: string;
  /** null for platform-key calls (server-side testing): wallet only, no budget. */
  endUserId: string | null;
  /** max_tokens / max_completion_tokens, or the route's max_output_tokens. */
  maxOutputTokens: number;
  /**
   * Smaller terms from the tokenizer, when promptTokens is only an upper bound. An engine uses them before
   * it refuses or auto-replenishes, so the bound never decides either; holding the bound is otherwise exact
   * enough and saves the tokenizer on most calls (docs/decisions.md).
   */
  exact?: () => ReserveTerms;
  /** The platform's settings.markup_percentage, from the pipeline's routing cache (0 when unset). */
  markupPercentage?: number;
  /**
   * The platform's settings.low_balance_thresholds (percentages strictly between 0 and 100, [] when unset),
   * from the pipeline's routing cache. Carried on the reservation to its settlement, so the PostgreSQL money
   * function need not read the platform's settings row there. Absent: the engine finds them itself.
   */
  lowBalancePcts?: readonly number[];
};

export type BillingRefusal = {
  ok: false;
  code: 'budget_suspended' | 'budget_exhausted' | 'wallet_insufficient';
  /** Says how many output tokens the balance can afford (spec §5 step 4). */
  message: string;
};

export type Reservation = {
  requestId: string;
  platformId: string;
  endUserId: string | null;
  budgetId: string | null;
  walletMicros: number;
  budgetMicros: number;
  /** The platform's markup_percentage when the reservation was taken (budgets pay cost × (1 + markup/100)). */
  markupPercentage: number;
  /**
   * The platform's low-balance percentages when the reservation was taken ([]: none), as the request gave them;
   * absent when it gave none. The PostgreSQL engine settles with them; the SQLite engine reads its own cache.
   */
  lowBalancePcts?: readonly number[];
};

export type ReserveResult = { ok: true; reservation: Reservation } | BillingRefusal;

/** The actual charge, computed once by the pipeline with costMicros() at the answering route's prices. */
export type SettleInput = {
  costMicros: number;
  /** Why this log row exists: the ledger rows reference the request id. */
  description: string;
  /**
   * The request's log row, written in the same transaction as the debit (a crash keeps both or neither).
   * The engine fills `cost_micros`, `end_user_cost_micros` and `billing_status` from what it charged
   * (0 and not_billed when the reservation had expired); on `already_settled` no second row is written,
   * and a request id that already has a row keeps it (the debit still commits).
   */
  logRow?: RequestLogsTable;
};

/**
 * What was actually charged. Write these (not the computed cost) into the log row: they differ from
 * costMicros only when a balance could not cover a provider's overrun (`cappedFromMicros`), and are 0
 * when the reservation had expired (`status: 'expired'`, swept: the log should say not_billed).
 */
export type Settled = {
  /** Debited from the platform wallet (the `llm_usage` row). */
  walletMicros: number;
  /** Charged to the end user: the budget `usage` row, or cost × markup when the user has no budget. */
  endUserMicros: number;
  /** settled: this call posted it; already_settled: an earlier call did (amounts are that call's); expired: the sweeper voided it. */
  status?: 'settled' | 'already_settled' | 'expired';
  /** Set when the wallet or budget could not cover the whole cost: the cost before capping. */
  cappedFromMicros?: number;
};

export interface BillingEngine {
  /** Atomically holds the worst case on the budget (with markup) and the wallet, or refuses in the spec's order. */
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /** Replaces the hold by the actual cost, in one transaction, exactly once per request id. */
  settle(reservation: Reservation, input: SettleInput): Promise<Settled>;
  /** Voids the hold: nothing is billed. A log row given is written not_billed, in the release's transaction. */
  release(reservation: Reservation, logRow?: RequestLogsTable): Promise<void>;
}
