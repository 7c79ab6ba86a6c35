/**
 * The admission decision, shared by both dialects: given the end user's budget row and the platform's
 * wallet row as they stand at admission (`reserved_micros` including the SQLite engine's in-memory holds),
 * what to hold, or which 402 to answer (spec §1 order:
 * budget_suspended, budget_exhausted, wallet_insufficient). Pure: the callers apply the plan.
 */
import { type BudgetPeriod, dueReset } from './budgets.js';
import type { BillingRefusal, ReserveRequest } from './engine-types.js';
import { budgetExhausted, budgetSuspended, walletInsufficient } from './refusals.js';

export type BudgetRow = {
  id: string;
  max_micros: number;
  used_micros: number;
  reserved_micros: number;
  period: BudgetPeriod;
  period_start: string;
  auto_replenish: number;
  replenish_amount_micros: number | null;
  is_active: number;
  is_suspended: number;
};

export type WalletRow = { balance_micros: number; reserved_micros: number };

export type ReservePlan = {
  /** The lazy period reset to write first (also when the request is then refused). */
  reset: { periodStart: string; amountMicros: number } | null;
  refusal: BillingRefusal | null;
  /** null when the request is held on the wallet only (platform key, no budget, inactive budget). */
  budgetId: string | null;
  budgetHoldMicros: number;
  walletHoldMicros: number;
  /** auto_replenish: raise max_usd by this much (a `replenish` row) before holding. */
  replenishMicros: number;
};

/** An inactive budget is not enforced (the user is bounded by the wallet only), like a deleted one. */
function enforcedBudget<T extends { is_active: number }>(budget: T | undefined | null): T | null {
  return budget && Number(budget.is_active) === 1 ? budget : null;
}

export function planReserve(
  budgetRow: BudgetRow | undefined | null,
  wallet: WalletRow | undefined | null,
  req: ReserveRequest,
  worstMicros: number,
  budgetNeedMicros: number,
  markupPercentage: number,
  nowMs: number,
): ReservePlan {
  const budget = enforcedBudget(budgetRow);
  const plan: ReservePlan = {
    reset: null,
    refusal: null,
    budgetId: budget?.id ?? null,
    budgetHoldMicros: budget ? budgetNeedMicros : 0,
    walletHoldMicros: worstMicros,
    replenishMicros: 0,
  };
  if (budget) {
    if (Number(budget.is_suspended) === 1) return { ...plan, refusal: budgetSuspended() };
    plan.reset = dueReset(budget, nowMs);
    const used = plan.reset ? 0 : budget.used_micros;
    const remaining = budget.max_micros - used - budget.reserved_micros;
    if (remaining < budgetNeedMicros) {
      // auto_replenish, decided "when exhausted": one automatic top-up of replenish_amount, if that suffices.
      const replenish = Number(budget.auto_replenish) === 1 ? (budget.replenish_amount_micros ?? 0) : 0;
      if (replenish > 0 && remaining + replenish >= budgetNeedMicros) plan.replenishMicros = replenish;
      else return { ...plan, refusal: budgetExhausted(req, remaining, budgetNeedMicros, markupPercentage) };
    }
  }
  const available = wallet ? wallet.balance_micros - wallet.reserved_micros : 0;
  if (available < worstMicros) return { ...plan, replenishMicros: 0, refusal: walletInsufficient(req, available, worstMicros) };
  return plan;
}
