/**
 * Budget changes made through the API. Each runs in one transaction on the budget row (locked on
 * PostgreSQL; on SQLite the engine neither reserves nor settles while it is open), applies a due period reset first,
 * and appends one ledger row per movement, so `ledger verify` can recompute max and used.
 */
import type { Kysely, Transaction } from 'kysely';
import { dueReset, periodStartOf } from '../../billing/budgets.js';
import { microsToFixed } from '../../billing/money.js';
import { type AppContext, nowIso } from '../../context.js';
import { uuidv7 } from '../../crypto/ids.js';
import { ApiError, errors } from '../../http/errors.js';
import type { BudgetsTable, BudgetTransactionsTable, Database } from '../../store/schema.js';
import { getEndUserOr404 } from '../end-users/routes.js';

type Trx = Transaction<Database>;

export async function appendBudgetTx(
  trx: Kysely<Database>,
  budget: BudgetsTable,
  move: {
    type: BudgetTransactionsTable['type'];
    amountMicros: number;
    reason: string | null;
    metadata?: Record<string, unknown>;
    nowIso: string;
  },
): Promise<BudgetTransactionsTable> {
  const row: BudgetTransactionsTable = {
    id: uuidv7(),
    budget_id: budget.id,
    platform_id: budget.platform_id,
    end_user_id: budget.end_user_id,
    type: move.type,
    amount_micros: move.amountMicros,
    max_after_micros: budget.max_micros,
    used_after_micros: budget.used_micros,
    reason: move.reason,
    metadata: JSON.stringify(move.metadata ?? {}),
    request_id: null,
    created_at: move.nowIso,
  };
  await trx.insertInto('budget_transactions').values(row).execute();
  return row;
}

/**
 * Runs `fn` on the end user's budget inside one transaction, after its due period reset. 404 when the
 * end user is not on this platform or has no budget.
 */
export async function withBudget<T>(
  ctx: AppContext,
  platformId: string,
  endUserId: string,
  fn: (trx: Trx, budget: BudgetsTable, now: string) => Promise<T>,
): Promise<T> {
  await getEndUserOr404(ctx, platformId, endUserId);
  return ctx.store.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('budgets').selectAll().where('platform_id', '=', platformId).where('end_user_id', '=', endUserId);
    if (ctx.store.dialect === 'postgres') q = q.forUpdate();
    const found = await q.executeTakeFirst();
    if (!found) throw errors.notFound('Budget');
    const now = nowIso(ctx);
    return fn(trx, await applyDueReset(trx, found, now), now);
  });
}

async function applyDueReset(trx: Trx, budget: BudgetsTable, now: string): Promise<BudgetsTable> {
  const reset = dueReset(budget, Date.parse(now));
  if (!reset) return budget;
  const updated = await trx
    .updateTable('budgets')
    .set({ used_micros: 0, period_start: reset.periodStart, updated_at: now })
    .where('id', '=', budget.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (reset.amountMicros > 0)
    await appendBudgetTx(trx, updated, { type: 'reset', amountMicros: reset.amountMicros, reason: 'Period reset', nowIso: now });
  return updated;
}

/** Raises max_usd (`top_up`) or used_usd (`debit`, refused when the remaining cannot cover it). */
export async function moveBudget(
  ctx: AppContext,
  platformId: string,
  endUserId: string,
  move: { type: 'top_up' | 'debit'; amountMicros: number; reason: string | null; metadata?: Record<string, unknown> },
): Promise<{ transaction: BudgetTransactionsTable; budget: BudgetsTable }> {
  return withBudget(ctx, platformId, endUserId, async (trx, budget, now) => {
    // Holds the engine keeps in memory (SQLite) count as reserved; no reserve runs while this transaction is open.
    const held = ctx.billing.heldForBudget(budget.id);
    let update = trx.updateTable('budgets').where('id', '=', budget.id);
    if (move.type === 'top_up') {
      update = update.set((eb) => ({ max_micros: eb('max_micros', '+', move.amountMicros), updated_at: now }));
    } else {
      update = update
        .set((eb) => ({ used_micros: eb('used_micros', '+', move.amountMicros), updated_at: now }))
        .where((eb) =>
          eb(eb(eb('max_micros', '-', eb.ref('used_micros')), '-', eb.ref('reserved_micros')), '>=', move.amountMicros + held),
        );
    }
    const updated = await update.returningAll().executeTakeFirst();
    if (!updated) {
      const remaining = budget.max_micros - budget.used_micros - budget.reserved_micros - held;
      throw new ApiError(
        402,
        'budget_exhausted',
        `The budget has ${microsToFixed(remaining)} USD remaining (after reservations): it cannot be debited ${microsToFixed(move.amountMicros)} USD.`,
      );
    }
    const amountMicros = move.type === 'top_up' ? move.amountMicros : -move.amountMicros;
    const transaction = await appendBudgetTx(trx, updated, {
      type: move.type,
      amountMicros,
      reason: move.reason,
      metadata: move.metadata,
      nowIso: now,
    });
    return { transaction, budget: updated };
  });
}

export type BudgetPatch = {
  max_usd?: number;
  period?: BudgetsTable['period'];
  auto_replenish?: boolean;
  replenish_amount?: number | null;
  low_balance_threshold?: number | null;
  is_suspended?: boolean;
  is_active?: boolean;
};

/** PATCH: each movement gets its row (max change → `adjustment`, suspension → `suspend` / `unsuspend`). */
export async function patchBudget(ctx: AppContext, platformId: string, endUserId: string, patch: BudgetPatch): Promise<BudgetsTable> {
  return withBudget(ctx, platformId, endUserId, async (trx, budget, now) => {
    const autoReplenish = patch.auto_replenish ?? Number(budget.auto_replenish) === 1;
    const replenish = patch.replenish_amount !== undefined ? patch.replenish_amount : budget.replenish_amount_micros;
    if (autoReplenish && !replenish)
      throw errors.validation('replenish_amount', 'replenish_amount is required when auto_replenish is true.');
    const committed = budget.used_micros + budget.reserved_micros + ctx.billing.heldForBudget(budget.id);
    if (patch.max_usd !== undefined && patch.max_usd < committed) {
      throw errors.conflict(
        `max_usd cannot go below what is used and reserved (${microsToFixed(committed)} USD); suspend the budget to stop spending at once.`,
      );
    }
    const updated = await trx
      .updateTable('budgets')
      .set({
        ...(patch.max_usd !== undefined && { max_micros: patch.max_usd }),
        ...(patch.period !== undefined &&
          patch.period !== budget.period && { period: patch.period, period_start: periodStartOf(patch.period, new Date(now)) }),
        ...(patch.auto_replenish !== undefined && { auto_replenish: patch.auto_replenish ? 1 : 0 }),
        ...(patch.replenish_amount !== undefined && { replenish_amount_micros: patch.replenish_amount }),
        ...(patch.low_balance_threshold !== undefined && { low_balance_threshold_micros: patch.low_balance_threshold }),
        ...(patch.is_suspended !== undefined && { is_suspended: patch.is_suspended ? 1 : 0 }),
        ...(patch.is_active !== undefined && { is_active: patch.is_active ? 1 : 0 }),
        updated_at: now,
      })
      .where('id', '=', budget.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (updated.max_micros !== budget.max_micros) {
      await appendBudgetTx(trx, updated, {
        type: 'adjustment',
        amountMicros: updated.max_micros - budget.max_micros,
        reason: 'max_usd changed',
        nowIso: now,
      });
    }
    if (updated.is_suspended !== budget.is_suspended) {
      const suspended = Number(updated.is_suspended) === 1;
      await appendBudgetTx(trx, updated, {
        type: suspended ? 'suspend' : 'unsuspend',
        amountMicros: 0,
        reason: suspended ? 'Suspended' : 'Unsuspended',
        nowIso: now,
      });
    }
    return updated;
  });
}
