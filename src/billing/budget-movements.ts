/**
 * Budget movements made through the API: opening, top-up, debit, adjustment, suspension, deletion, and the
 * due period reset before each of them. Each runs in one transaction on the budget row (locked on
 * PostgreSQL; on SQLite the engine neither reserves nor settles while it is open) and appends one ledger row
 * per movement, so `ledger verify` can recompute max and used. A refused movement rolls back whole, its
 * period reset included, and comes back as a tagged result.
 */
import { sql, type Transaction } from 'kysely';
import type { Clock } from '../context.js';
import { uuidv7 } from '../crypto/ids.js';
import type { Store } from '../store/database.js';
import { isUniqueViolation } from '../store/errors.js';
import type { BudgetsTable, BudgetTransactionsTable, Database } from '../store/schema.js';
import { type BudgetBalance, budgetBalance, type MemoryHolds } from './balances.js';
import { dueReset, openBudget, periodStartOf } from './budgets.js';
import type { InTransaction } from './in-transaction.js';
import { enqueueBudgetEvent, enqueueBudgetLowBalance } from './movement-events.js';

type Trx = Transaction<Database>;
type ResetStart = { start: string | null };

type BudgetDeps = { store: Store; clock: Clock; holds: MemoryHolds };

type BudgetNotFound = { ok: false; code: 'budget_not_found' };

export type BudgetOpenInput = {
  platformId: string;
  endUserId: string;
  maxMicros: number;
  period: BudgetsTable['period'];
  autoReplenish: boolean;
  replenishAmountMicros: number | null;
  lowBalanceThresholdMicros: number | null;
};

export type BudgetMove = {
  /** top_up raises max, debit raises used (refused when what remains after holds cannot cover it). */
  type: 'top_up' | 'debit';
  amountMicros: number;
  reason: string | null;
  metadata?: Record<string, unknown>;
};

export type BudgetMoved =
  | { ok: true; transaction: BudgetTransactionsTable; budget: BudgetBalance }
  | BudgetNotFound
  | { ok: false; code: 'budget_exhausted'; availableMicros: number; amountMicros: number };

/** A PATCH of the budget, amounts in µUSD; absent fields stay as they are. */
export type BudgetChange = {
  max_usd?: number;
  period?: BudgetsTable['period'];
  auto_replenish?: boolean;
  replenish_amount?: number | null;
  low_balance_threshold?: number | null;
  is_suspended?: boolean;
  is_active?: boolean;
};

export type BudgetChanged =
  | { ok: true; budget: BudgetBalance }
  | BudgetNotFound
  | { ok: false; code: 'replenish_amount_required' }
  | { ok: false; code: 'max_below_committed'; committedMicros: number };

/** The budget row before and after a movement or change (what an audit row diffs). */
export type BudgetBeforeAfter = { before: BudgetsTable; after: BudgetsTable };

const NOT_FOUND: BudgetNotFound = { ok: false, code: 'budget_not_found' };

/** Thrown inside a transaction to roll it back and answer `result` instead. */
class Refused {
  constructor(readonly result: { ok: false }) {}
}

const nowIsoOf = (clock: Clock) => new Date(clock.now()).toISOString();

async function appendBudgetTx(
  trx: Trx,
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
 * The period start a budget is due to reset to, by the rule of its database's engine: the plpgsql function the
 * money function uses on PostgreSQL, `dueReset` (the SQLite engine's) on SQLite. One rule per database.
 */
async function dueResetStart(store: Store, trx: Trx, budget: BudgetsTable, now: string): Promise<string | null> {
  if (store.dialect === 'sqlite') return dueReset(budget, Date.parse(now))?.periodStart ?? null;
  if (budget.period === 'one_time') return null;
  const rule = sql<ResetStart>`SELECT assistiv_budget_reset_start(${budget.period}, ${budget.period_start}, ${now}) AS start`;
  const { rows } = await rule.execute(trx);
  return rows[0]?.start ?? null;
}

/** Locks the end user's budget and writes its due period reset; undefined when there is no budget. */
async function lockBudget(store: Store, trx: Trx, platformId: string, endUserId: string, now: string): Promise<BudgetsTable | undefined> {
  const found = await store
    .forUpdate(trx.selectFrom('budgets').selectAll().where('platform_id', '=', platformId).where('end_user_id', '=', endUserId))
    .executeTakeFirst();
  if (!found) return undefined;
  const periodStart = await dueResetStart(store, trx, found, now);
  if (!periodStart) return found;
  const updated = await trx
    .updateTable('budgets')
    .set({ used_micros: 0, period_start: periodStart, updated_at: now })
    .where('id', '=', found.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // The reset's amount is its effect on what remains: the used amount it clears.
  if (found.used_micros > 0)
    await appendBudgetTx(trx, updated, { type: 'reset', amountMicros: found.used_micros, reason: 'Period reset', nowIso: now });
  return updated;
}

/**
 * Runs `fn` on the locked budget after its due period reset, in one transaction. A refusal (`ok: false`)
 * rolls the whole transaction back, the reset included, as an error answer always has.
 */
async function withBudget<R extends { ok: boolean }>(
  deps: BudgetDeps,
  platformId: string,
  endUserId: string,
  fn: (trx: Trx, budget: BudgetsTable, now: string) => Promise<R>,
): Promise<R | BudgetNotFound> {
  try {
    return await deps.store.db.transaction().execute(async (trx) => {
      const now = nowIsoOf(deps.clock);
      const budget = await lockBudget(deps.store, trx, platformId, endUserId, now);
      if (!budget) throw new Refused(NOT_FOUND);
      const result = await fn(trx, budget, now);
      if (!result.ok) throw new Refused(result as { ok: false });
      return result;
    });
  } catch (err) {
    // Refused carries exactly what fn returned (or NOT_FOUND).
    if (err instanceof Refused) return err.result as R | BudgetNotFound;
    throw err;
  }
}

/** The end user's budget as it stands now (its due period reset written first), or null. */
export async function currentBudget(deps: BudgetDeps, platformId: string, endUserId: string): Promise<BudgetBalance | null> {
  const found = await withBudget(deps, platformId, endUserId, async (_trx, budget) => ({ ok: true as const, budget }));
  return found.ok ? budgetBalance(found.budget, deps.holds) : null;
}

/** Opens the end user's budget with its `opening` row; budget_exists when the user has one already. */
export async function openBudgetFor(
  deps: BudgetDeps,
  input: BudgetOpenInput,
  alsoInTransaction?: InTransaction<BudgetsTable>,
): Promise<{ ok: true; budget: BudgetBalance } | { ok: false; code: 'budget_exists' }> {
  try {
    const nowIso = nowIsoOf(deps.clock);
    const budget = await deps.store.db.transaction().execute(async (trx) => {
      const opened = await openBudget(trx, { ...input, nowIso });
      await alsoInTransaction?.(trx, opened);
      return opened;
    });
    return { ok: true, budget: budgetBalance(budget, deps.holds) };
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, code: 'budget_exists' };
    throw err;
  }
}

export async function moveBudget(
  deps: BudgetDeps,
  platformId: string,
  endUserId: string,
  move: BudgetMove,
  alsoInTransaction?: InTransaction<BudgetBeforeAfter>,
): Promise<BudgetMoved> {
  const moved = await withBudget(deps, platformId, endUserId, async (trx, budget, now) => {
    // Holds the engine keeps in memory (SQLite) count as reserved; no reserve runs while this transaction is open.
    const held = deps.holds.budget(budget.id);
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
      const availableMicros = budget.max_micros - budget.used_micros - budget.reserved_micros - held;
      return { ok: false, code: 'budget_exhausted', availableMicros, amountMicros: move.amountMicros } as const;
    }
    const transaction = await appendBudgetTx(trx, updated, {
      type: move.type,
      amountMicros: move.type === 'top_up' ? move.amountMicros : -move.amountMicros,
      reason: move.reason,
      metadata: move.metadata,
      nowIso: now,
    });
    await enqueueBudgetEvent(trx, move.type === 'top_up' ? 'budget.topped_up' : 'budget.debited', transaction);
    if (move.type === 'debit')
      await enqueueBudgetLowBalance(trx, transaction, budget.max_micros - budget.used_micros, updated.low_balance_threshold_micros);
    await alsoInTransaction?.(trx, { before: budget, after: updated });
    return { ok: true as const, transaction, budget: updated };
  });
  return moved.ok ? { ...moved, budget: budgetBalance(moved.budget, deps.holds) } : moved;
}

/** PATCH: each movement gets its row (max change → `adjustment`, suspension → `suspend` / `unsuspend`). */
export async function changeBudget(
  deps: BudgetDeps,
  platformId: string,
  endUserId: string,
  patch: BudgetChange,
  alsoInTransaction?: InTransaction<BudgetBeforeAfter>,
): Promise<BudgetChanged> {
  const changed = await withBudget(deps, platformId, endUserId, async (trx, budget, now) => {
    const autoReplenish = patch.auto_replenish ?? Number(budget.auto_replenish) === 1;
    const replenish = patch.replenish_amount !== undefined ? patch.replenish_amount : budget.replenish_amount_micros;
    if (autoReplenish && !replenish) return { ok: false, code: 'replenish_amount_required' } as const;
    const committedMicros = budget.used_micros + budget.reserved_micros + deps.holds.budget(budget.id);
    if (patch.max_usd !== undefined && patch.max_usd < committedMicros)
      return { ok: false, code: 'max_below_committed', committedMicros } as const;
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
      const row = await appendBudgetTx(trx, updated, {
        type: suspended ? 'suspend' : 'unsuspend',
        amountMicros: 0,
        reason: suspended ? 'Suspended' : 'Unsuspended',
        nowIso: now,
      });
      await enqueueBudgetEvent(trx, suspended ? 'budget.suspended' : 'budget.unsuspended', row);
    }
    await alsoInTransaction?.(trx, { before: budget, after: updated });
    return { ok: true as const, budget: updated };
  });
  return changed.ok ? { ok: true, budget: budgetBalance(changed.budget, deps.holds) } : changed;
}

/** Deletes the end user's budget (its ledger rows stay); false when there was none. */
export async function deleteBudget(
  deps: BudgetDeps,
  platformId: string,
  endUserId: string,
  alsoInTransaction?: InTransaction<BudgetsTable>,
): Promise<boolean> {
  return deps.store.db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('budgets')
      .where('platform_id', '=', platformId)
      .where('end_user_id', '=', endUserId)
      .returningAll()
      .executeTakeFirst();
    if (deleted) await alsoInTransaction?.(trx, deleted);
    return deleted !== undefined;
  });
}
