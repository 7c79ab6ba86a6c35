/**
 * The billing engine on PostgreSQL: several gateway instances share the rows, so every hold and post is a
 * conditional `UPDATE … WHERE <balance covers it> RETURNING` inside one short transaction; the database
 * decides, never a value read earlier. Only the rare paths (stale period, exhausted budget, overrun at
 * settlement) take a row lock (`FOR UPDATE`) to compute what to write. Lock order is always budget, then
 * wallet, so reserve, settle and release cannot deadlock each other.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database } from '../store/schema.js';
import { periodStartOf } from './budgets.js';
import type { EngineOptions } from './engine-sqlite.js';
import type { BillingRefusal, Reservation, ReserveRequest, ReserveResult, Settled, SettleInput } from './engine-types.js';
import { type MarkupCache, markupFromSettings } from './markup-cache.js';
import { withMarkupMicros, worstCaseMicros } from './money.js';
import { type BudgetRow, planReserve, type WalletRow } from './reserve-plan.js';

type Trx = Transaction<Database>;
type ReservationRow = {
  platform_id: string;
  end_user_id: string | null;
  budget_id: string | null;
  wallet_micros: number;
  budget_micros: number;
};

/** Thrown inside a transaction to roll it back and answer a 402. */
class Refused extends Error {
  constructor(readonly refusal: BillingRefusal) {
    super(refusal.code);
  }
}

async function rows<T>(trx: Kysely<Database>, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(trx)).rows;
}

export class PostgresBillingEngine {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly markups: MarkupCache,
    private readonly opts: EngineOptions,
  ) {}

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const markup = req.markupPercentage ?? (await this.markupOf(req.platformId));
    const worst = worstCaseMicros(req);
    const budgetNeed = withMarkupMicros(worst, markup);
    const nowMs = this.opts.now();
    const nowIso = new Date(nowMs).toISOString();
    const expiresAt = new Date(nowMs + this.opts.reservationTtlMs).toISOString();
    try {
      return await this.db.transaction().execute(async (trx) => {
        let budgetId: string | null = null;
        let budgetHold = 0;
        if (req.endUserId) {
          const held = await this.holdBudgetFast(trx, req.endUserId, budgetNeed, nowMs);
          if (held) {
            budgetId = held;
            budgetHold = budgetNeed;
          } else {
            ({ budgetId, budgetHold } = await this.holdBudgetSlow(trx, req, worst, budgetNeed, markup, nowMs, nowIso));
          }
        }
        const inserted = await rows<{ request_id: string }>(
          trx,
          sql`WITH w AS (
                UPDATE wallets SET reserved_micros = reserved_micros + ${worst}
                WHERE platform_id = ${req.platformId} AND balance_micros - reserved_micros >= ${worst}
                RETURNING id)
              INSERT INTO reservations (request_id, platform_id, end_user_id, budget_id, wallet_micros, budget_micros, created_at, expires_at)
              SELECT ${req.requestId}, ${req.platformId}, ${req.endUserId}::text, ${budgetId}::text, ${worst}::bigint, ${budgetHold}::bigint, ${nowIso}, ${expiresAt} FROM w
              RETURNING request_id`,
        );
        if (inserted.length === 0) {
          const w = await rows<WalletRow>(
            trx,
            sql`SELECT balance_micros, reserved_micros FROM wallets WHERE platform_id = ${req.platformId}`,
          );
          const plan = planReserve(null, w[0], req, worst, budgetNeed, markup, nowMs);
          throw new Refused(plan.refusal ?? planReserve(null, null, req, worst, budgetNeed, markup, nowMs).refusal!);
        }
        const reservation: Reservation = {
          requestId: req.requestId,
          platformId: req.platformId,
          endUserId: req.endUserId,
          budgetId,
          walletMicros: worst,
          budgetMicros: budgetHold,
          markupPercentage: markup,
        };
        return { ok: true as const, reservation };
      });
    } catch (err) {
      if (err instanceof Refused) return err.refusal;
      if (isUniqueViolation(err)) throw new Error(`request ${req.requestId} already holds a reservation`);
      throw err;
    }
  }

  /** The usual case in one statement: an active, unsuspended budget in its current period that covers the hold. */
  private async holdBudgetFast(trx: Trx, endUserId: string, needMicros: number, nowMs: number): Promise<string | null> {
    const now = new Date(nowMs);
    const held = await rows<{ id: string }>(
      trx,
      sql`UPDATE budgets SET reserved_micros = reserved_micros + ${needMicros}
          WHERE end_user_id = ${endUserId} AND is_active = 1 AND is_suspended = 0
            AND max_micros - used_micros - reserved_micros >= ${needMicros}
            AND (period = 'one_time'
              OR (period = 'daily' AND period_start >= ${periodStartOf('daily', now)})
              OR (period = 'monthly' AND period_start >= ${periodStartOf('monthly', now)}))
          RETURNING id`,
    );
    return held[0]?.id ?? null;
  }

  /** No budget, an inactive one, a suspended one, a period to reset, or not enough left: decide under a row lock. */
  private async holdBudgetSlow(
    trx: Trx,
    req: ReserveRequest,
    worst: number,
    budgetNeed: number,
    markup: number,
    nowMs: number,
    nowIso: string,
  ): Promise<{ budgetId: string | null; budgetHold: number }> {
    const endUserId = req.endUserId!;
    const found = await rows<BudgetRow & { platform_id: string }>(
      trx,
      sql`SELECT id, platform_id, max_micros, used_micros, reserved_micros, period, period_start, auto_replenish, replenish_amount_micros, is_active, is_suspended
          FROM budgets WHERE end_user_id = ${endUserId} FOR UPDATE`,
    );
    const budget = found[0];
    // The wallet is checked by its own conditional update afterwards; here only the budget decides.
    const plan = planReserve(budget, { balance_micros: worst, reserved_micros: 0 }, req, worst, budgetNeed, markup, nowMs);
    if (plan.refusal) throw new Refused(plan.refusal);
    if (!plan.budgetId || !budget) return { budgetId: null, budgetHold: 0 };
    let used = budget.used_micros;
    if (plan.reset) {
      await sql`UPDATE budgets SET used_micros = 0, period_start = ${plan.reset.periodStart}, updated_at = ${nowIso} WHERE id = ${budget.id}`.execute(
        trx,
      );
      if (plan.reset.amountMicros > 0) {
        await this.budgetTx(
          trx,
          budget.id,
          budget.platform_id,
          endUserId,
          'reset',
          plan.reset.amountMicros,
          budget.max_micros,
          0,
          'Period reset',
          null,
          nowIso,
        );
      }
      used = 0;
    }
    if (plan.replenishMicros > 0) {
      await sql`UPDATE budgets SET max_micros = max_micros + ${plan.replenishMicros}, updated_at = ${nowIso} WHERE id = ${budget.id}`.execute(
        trx,
      );
      const max = budget.max_micros + plan.replenishMicros;
      await this.budgetTx(
        trx,
        budget.id,
        budget.platform_id,
        endUserId,
        'replenish',
        plan.replenishMicros,
        max,
        used,
        'Auto-replenish',
        null,
        nowIso,
      );
    }
    await sql`UPDATE budgets SET reserved_micros = reserved_micros + ${budgetNeed} WHERE id = ${budget.id}`.execute(trx);
    return { budgetId: budget.id, budgetHold: budgetNeed };
  }

  async settle(reservation: Reservation, input: SettleInput): Promise<Settled> {
    if (!Number.isSafeInteger(input.costMicros) || input.costMicros < 0)
      throw new RangeError(`settle needs a non-negative integer cost, got ${input.costMicros}`);
    const nowIso = new Date(this.opts.now()).toISOString();
    const requestId = reservation.requestId;
    const cost = input.costMicros;
    const endUserCost = withMarkupMicros(cost, reservation.markupPercentage);
    return this.db.transaction().execute(async (trx): Promise<Settled> => {
      const r = (
        await rows<ReservationRow>(
          trx,
          sql`DELETE FROM reservations WHERE request_id = ${requestId} RETURNING platform_id, end_user_id, budget_id, wallet_micros, budget_micros`,
        )
      )[0];
      if (!r) return this.resolvedEarlier(trx, requestId, reservation.markupPercentage);
      let cappedFrom: number | undefined;
      let endUserMicros = endUserCost;
      if (r.budget_id && r.end_user_id) {
        const posted = await this.postBudget(trx, r, endUserCost, input.description, requestId, nowIso);
        if (posted !== null) {
          endUserMicros = posted;
          if (posted < endUserCost) cappedFrom = cost;
        }
      }
      const walletMicros = await this.postWallet(trx, r, cost, input.description, requestId, nowIso);
      if (walletMicros < cost) cappedFrom = cost;
      return { walletMicros, endUserMicros, status: 'settled', ...(cappedFrom !== undefined && { cappedFromMicros: cappedFrom }) };
    });
  }

  private async resolvedEarlier(trx: Trx, requestId: string, markup: number): Promise<Settled> {
    const w = await rows<{ amount_micros: number }>(
      trx,
      sql`SELECT amount_micros FROM wallet_transactions WHERE request_id = ${requestId} AND type = 'llm_usage'`,
    );
    if (w.length === 0) return { walletMicros: 0, endUserMicros: 0, status: 'expired' };
    const b = await rows<{ amount_micros: number }>(
      trx,
      sql`SELECT amount_micros FROM budget_transactions WHERE request_id = ${requestId} AND type = 'usage'`,
    );
    const walletMicros = -w[0].amount_micros;
    return { walletMicros, endUserMicros: b[0] ? -b[0].amount_micros : withMarkupMicros(walletMicros, markup), status: 'already_settled' };
  }

  /** Posts the budget's usage row; returns the charge, or null when the budget no longer exists. */
  private async postBudget(
    trx: Trx,
    r: ReservationRow,
    charge: number,
    reason: string,
    requestId: string,
    nowIso: string,
  ): Promise<number | null> {
    const txId = uuidv7();
    const fast = await rows<{ id: string }>(
      trx,
      sql`WITH u AS (
            UPDATE budgets SET reserved_micros = reserved_micros - ${r.budget_micros}, used_micros = used_micros + ${charge}, updated_at = ${nowIso}
            WHERE id = ${r.budget_id} AND max_micros - used_micros - reserved_micros + ${r.budget_micros} >= ${charge}
            RETURNING id, platform_id, end_user_id, max_micros, used_micros)
          INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros, max_after_micros, used_after_micros, reason, metadata, request_id, created_at)
          SELECT ${txId}, u.id, u.platform_id, u.end_user_id, 'usage', ${-charge}::bigint, u.max_micros, u.used_micros, ${reason}::text, '{}', ${requestId}::text, ${nowIso} FROM u
          RETURNING id`,
    );
    if (fast.length > 0) return charge;
    const cur = (
      await rows<{ max_micros: number; used_micros: number; reserved_micros: number }>(
        trx,
        sql`SELECT max_micros, used_micros, reserved_micros FROM budgets WHERE id = ${r.budget_id} FOR UPDATE`,
      )
    )[0];
    if (!cur) return null;
    // The provider overran max_tokens: charge what the budget still has, never below zero.
    const capped = Math.min(charge, Math.max(0, cur.max_micros - cur.used_micros - cur.reserved_micros + r.budget_micros));
    await sql`UPDATE budgets SET reserved_micros = reserved_micros - ${r.budget_micros}, used_micros = used_micros + ${capped}, updated_at = ${nowIso} WHERE id = ${r.budget_id}`.execute(
      trx,
    );
    await this.budgetTx(
      trx,
      r.budget_id!,
      r.platform_id,
      r.end_user_id!,
      'usage',
      -capped,
      cur.max_micros,
      cur.used_micros + capped,
      reason,
      requestId,
      nowIso,
      JSON.stringify({ capped_from_micros: charge }),
    );
    return capped;
  }

  private async postWallet(
    trx: Trx,
    r: ReservationRow,
    cost: number,
    description: string,
    requestId: string,
    nowIso: string,
  ): Promise<number> {
    const fast = await rows<{ id: string }>(
      trx,
      sql`WITH w AS (
            UPDATE wallets SET reserved_micros = reserved_micros - ${r.wallet_micros}, balance_micros = balance_micros - ${cost}, updated_at = ${nowIso}
            WHERE platform_id = ${r.platform_id} AND balance_micros - reserved_micros + ${r.wallet_micros} >= ${cost}
            RETURNING id, balance_micros)
          INSERT INTO wallet_transactions (id, wallet_id, platform_id, type, amount_micros, balance_after_micros, description, request_id, end_user_id, created_at)
          SELECT ${uuidv7()}, w.id, ${r.platform_id}, 'llm_usage', ${-cost}::bigint, w.balance_micros, ${description}::text, ${requestId}::text, ${r.end_user_id}::text, ${nowIso} FROM w
          RETURNING id`,
    );
    if (fast.length > 0) return cost;
    const cur = (
      await rows<{ id: string; balance_micros: number; reserved_micros: number }>(
        trx,
        sql`SELECT id, balance_micros, reserved_micros FROM wallets WHERE platform_id = ${r.platform_id} FOR UPDATE`,
      )
    )[0];
    if (!cur) return 0;
    const capped = Math.min(cost, Math.max(0, cur.balance_micros - cur.reserved_micros + r.wallet_micros));
    const balance = cur.balance_micros - capped;
    await sql`UPDATE wallets SET reserved_micros = reserved_micros - ${r.wallet_micros}, balance_micros = ${balance}, updated_at = ${nowIso} WHERE id = ${cur.id}`.execute(
      trx,
    );
    await trx
      .insertInto('wallet_transactions')
      .values({
        id: uuidv7(),
        wallet_id: cur.id,
        platform_id: r.platform_id,
        type: 'llm_usage',
        amount_micros: -capped,
        balance_after_micros: balance,
        description: `${description} (capped: the cost of ${cost} µUSD exceeded the available balance)`,
        request_id: requestId,
        end_user_id: r.end_user_id,
        created_at: nowIso,
      })
      .execute();
    return capped;
  }

  async release(reservation: Reservation): Promise<void> {
    await this.releaseById(reservation.requestId);
  }

  async releaseById(requestId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = (
        await rows<ReservationRow>(
          trx,
          sql`DELETE FROM reservations WHERE request_id = ${requestId} RETURNING platform_id, end_user_id, budget_id, wallet_micros, budget_micros`,
        )
      )[0];
      if (!r) return false;
      if (r.budget_id && r.budget_micros)
        await sql`UPDATE budgets SET reserved_micros = reserved_micros - ${r.budget_micros} WHERE id = ${r.budget_id}`.execute(trx);
      if (r.wallet_micros)
        await sql`UPDATE wallets SET reserved_micros = reserved_micros - ${r.wallet_micros} WHERE platform_id = ${r.platform_id}`.execute(
          trx,
        );
      return true;
    });
  }

  close(): void {}

  private async markupOf(platformId: string): Promise<number> {
    let markup = this.markups.get(platformId);
    if (markup === undefined) {
      const row = await this.db.selectFrom('platforms').select('settings').where('id', '=', platformId).executeTakeFirst();
      markup = markupFromSettings(row?.settings);
      this.markups.set(platformId, markup);
    }
    return markup;
  }

  private async budgetTx(
    trx: Trx,
    budgetId: string,
    platformId: string,
    endUserId: string,
    type: 'reset' | 'replenish' | 'usage',
    amountMicros: number,
    maxAfterMicros: number,
    usedAfterMicros: number,
    reason: string,
    requestId: string | null,
    nowIso: string,
    metadata = '{}',
  ): Promise<void> {
    await trx
      .insertInto('budget_transactions')
      .values({
        id: uuidv7(),
        budget_id: budgetId,
        platform_id: platformId,
        end_user_id: endUserId,
        type,
        amount_micros: amountMicros,
        max_after_micros: maxAfterMicros,
        used_after_micros: usedAfterMicros,
        reason,
        metadata,
        request_id: requestId,
        created_at: nowIso,
      })
      .execute();
  }
}
