/** Opening an end-user budget: the row and its `opening` ledger entry in the caller's transaction. */
import type { Kysely } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import type { BudgetsTable, Database } from '../store/schema.js';

export type BudgetPeriod = BudgetsTable['period'];

/** Start of the UTC calendar period containing `at` (one_time budgets start when created). */
export function periodStartOf(period: BudgetPeriod, at: Date): string {
  if (period === 'daily') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate())).toISOString();
  if (period === 'monthly') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString();
  return at.toISOString();
}

export async function openBudget(
  trx: Kysely<Database>,
  input: {
    platformId: string;
    endUserId: string;
    maxMicros: number;
    period: BudgetPeriod;
    autoReplenish?: boolean;
    replenishAmountMicros?: number | null;
    lowBalanceThresholdMicros?: number | null;
    nowIso: string;
  },
): Promise<BudgetsTable> {
  const budget: BudgetsTable = {
    id: uuidv7(),
    platform_id: input.platformId,
    end_user_id: input.endUserId,
    max_micros: input.maxMicros,
    used_micros: 0,
    reserved_micros: 0,
    period: input.period,
    period_start: periodStartOf(input.period, new Date(input.nowIso)),
    auto_replenish: input.autoReplenish ? 1 : 0,
    replenish_amount_micros: input.replenishAmountMicros ?? null,
    low_balance_threshold_micros: input.lowBalanceThresholdMicros ?? null,
    is_active: 1,
    is_suspended: 0,
    created_at: input.nowIso,
    updated_at: input.nowIso,
  };
  await trx.insertInto('budgets').values(budget).execute();
  await trx
    .insertInto('budget_transactions')
    .values({
      id: uuidv7(),
      budget_id: budget.id,
      platform_id: budget.platform_id,
      end_user_id: budget.end_user_id,
      type: 'opening',
      amount_micros: budget.max_micros,
      max_after_micros: budget.max_micros,
      used_after_micros: 0,
      reason: 'Budget opened',
      metadata: '{}',
      request_id: null,
      created_at: input.nowIso,
    })
    .execute();
  return budget;
}

/** A budget's period state, as the engine and the budget routes read it. */
export type BudgetPeriodState = { period: BudgetPeriod; period_start: string; used_micros: number };

/**
 * The lazy period reset due at `nowMs`, or null. Daily and monthly budgets start over at each UTC
 * boundary: `used` returns to 0 (a `reset` row whose amount, the effect on remaining, is the old `used`);
 * `max` and in-flight reservations carry over. one_time budgets never reset.
 */
export function dueReset(budget: BudgetPeriodState, nowMs: number): { periodStart: string; amountMicros: number } | null {
  if (budget.period === 'one_time') return null;
  const periodStart = periodStartOf(budget.period, new Date(nowMs));
  if (periodStart <= budget.period_start) return null;
  return { periodStart, amountMicros: budget.used_micros };
}
