/**
 * The billing engine on SQLite: prepared statements on the raw better-sqlite3 handle, every operation
 * applied synchronously inside a group-commit transaction (see group-commit.ts). Reads and writes of one
 * operation happen in one synchronous transaction, so nothing can interleave between its check and its write.
 */
import type SQLite from 'better-sqlite3';
import { uuidv7 } from '../crypto/ids.js';
import type { Reservation, ReserveRequest, ReserveResult, Settled, SettleInput } from './engine-types.js';
import { GroupCommit } from './group-commit.js';
import { type MarkupCache, markupFromSettings } from './markup-cache.js';
import { withMarkupMicros, worstCaseMicros } from './money.js';
import { type BudgetRow, planReserve, type WalletRow } from './reserve-plan.js';

export type EngineOptions = {
  /** A reservation older than this is voided by the sweeper: longer than any request may run. */
  reservationTtlMs: number;
  /** Bound on the operations committed in one group-commit transaction. */
  maxBatch: number;
  now: () => number;
};

type ReservationRow = {
  platform_id: string;
  end_user_id: string | null;
  budget_id: string | null;
  wallet_micros: number;
  budget_micros: number;
};

type Op =
  | { kind: 'reserve'; req: ReserveRequest; markup: number }
  | { kind: 'settle'; requestId: string; costMicros: number; markup: number; description: string }
  | { kind: 'release'; requestId: string };

type OpResult =
  | { kind: 'reserve'; result: ReserveResult }
  | { kind: 'settle'; result: Settled }
  | { kind: 'release'; released: boolean }
  | { kind: 'error'; error: Error };

const BUDGET_COLUMNS =
  'id, max_micros, used_micros, reserved_micros, period, period_start, auto_replenish, replenish_amount_micros, is_active, is_suspended';

function statements(db: SQLite.Database) {
  return {
    budgetOfUser: db.prepare<[string], BudgetRow>(`SELECT ${BUDGET_COLUMNS} FROM budgets WHERE end_user_id = ?`),
    wallet: db.prepare<[string], WalletRow>('SELECT balance_micros, reserved_micros FROM wallets WHERE platform_id = ?'),
    settings: db.prepare<[string], string>('SELECT settings FROM platforms WHERE id = ?').pluck(),
    insertReservation: db.prepare(
      'INSERT OR IGNORE INTO reservations (request_id, platform_id, end_user_id, budget_id, wallet_micros, budget_micros, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteReservation: db.prepare<[string], ReservationRow>(
      'DELETE FROM reservations WHERE request_id = ? RETURNING platform_id, end_user_id, budget_id, wallet_micros, budget_micros',
    ),
    holdBudget: db.prepare('UPDATE budgets SET reserved_micros = reserved_micros + ? WHERE id = ?'),
    holdWallet: db.prepare('UPDATE wallets SET reserved_micros = reserved_micros + ? WHERE platform_id = ?'),
    resetBudget: db.prepare<[string, string, string], { max_micros: number }>(
      'UPDATE budgets SET used_micros = 0, period_start = ?, updated_at = ? WHERE id = ? RETURNING max_micros',
    ),
    raiseMax: db.prepare<[number, string, string], { max_micros: number; used_micros: number }>(
      'UPDATE budgets SET max_micros = max_micros + ?, updated_at = ? WHERE id = ? RETURNING max_micros, used_micros',
    ),
    // Settlement, fast path: the charge fits in this request's hold plus what is free (the usual case).
    postBudgetIfCovered: db.prepare<[number, number, string, string, number, number], { max_micros: number; used_micros: number }>(
      'UPDATE budgets SET reserved_micros = reserved_micros - ?, used_micros = used_micros + ?, updated_at = ? WHERE id = ? AND max_micros - used_micros - reserved_micros + ? >= ? RETURNING max_micros, used_micros',
    ),
    budgetById: db.prepare<[string], { max_micros: number; used_micros: number; reserved_micros: number }>(
      'SELECT max_micros, used_micros, reserved_micros FROM budgets WHERE id = ?',
    ),
    postBudget: db.prepare<[number, number, string, string], { max_micros: number; used_micros: number }>(
      'UPDATE budgets SET reserved_micros = reserved_micros - ?, used_micros = used_micros + ?, updated_at = ? WHERE id = ? RETURNING max_micros, used_micros',
    ),
    postWalletIfCovered: db.prepare<[number, number, string, string, number, number], { id: string; balance_micros: number }>(
      'UPDATE wallets SET reserved_micros = reserved_micros - ?, balance_micros = balance_micros - ?, updated_at = ? WHERE platform_id = ? AND balance_micros - reserved_micros + ? >= ? RETURNING id, balance_micros',
    ),
    postWallet: db.prepare<[number, number, string, string], { id: string; balance_micros: number }>(
      'UPDATE wallets SET reserved_micros = reserved_micros - ?, balance_micros = balance_micros - ?, updated_at = ? WHERE platform_id = ? RETURNING id, balance_micros',
    ),
    releaseBudget: db.prepare('UPDATE budgets SET reserved_micros = reserved_micros - ? WHERE id = ?'),
    releaseWallet: db.prepare('UPDATE wallets SET reserved_micros = reserved_micros - ? WHERE platform_id = ?'),
    insertWalletTx: db.prepare(
      "INSERT INTO wallet_transactions (id, wallet_id, platform_id, type, amount_micros, balance_after_micros, description, request_id, end_user_id, created_at) VALUES (?, ?, ?, 'llm_usage', ?, ?, ?, ?, ?, ?)",
    ),
    insertBudgetTx: db.prepare(
      'INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros, max_after_micros, used_after_micros, reason, metadata, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    walletUsageOf: db
      .prepare<[string], number>("SELECT -amount_micros FROM wallet_transactions WHERE request_id = ? AND type = 'llm_usage'")
      .pluck(),
    budgetUsageOf: db
      .prepare<[string], number>("SELECT -amount_micros FROM budget_transactions WHERE request_id = ? AND type = 'usage'")
      .pluck(),
  };
}

export class SqliteBillingEngine {
  private readonly st: ReturnType<typeof statements>;
  private readonly commits: GroupCommit<Op, OpResult>;

  constructor(
    db: SQLite.Database,
    private readonly markups: MarkupCache,
    private readonly opts: EngineOptions,
  ) {
    this.st = statements(db);
    this.commits = new GroupCommit<Op, OpResult>(db, (op, nowMs) => this.apply(op, nowMs), { maxBatch: opts.maxBatch, now: opts.now });
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const r = await this.commits.submit({ kind: 'reserve', req, markup: req.markupPercentage ?? this.markupOf(req.platformId) });
    if (r.kind === 'error') throw r.error;
    if (r.kind !== 'reserve') throw new Error('billing engine: mismatched result');
    return r.result;
  }

  async settle(reservation: Reservation, input: SettleInput): Promise<Settled> {
    if (!Number.isSafeInteger(input.costMicros) || input.costMicros < 0)
      throw new RangeError(`settle needs a non-negative integer cost, got ${input.costMicros}`);
    const r = await this.commits.submit({
      kind: 'settle',
      requestId: reservation.requestId,
      costMicros: input.costMicros,
      markup: reservation.markupPercentage,
      description: input.description,
    });
    if (r.kind !== 'settle') throw new Error('billing engine: mismatched result');
    return r.result;
  }

  async release(reservation: Reservation): Promise<void> {
    await this.releaseById(reservation.requestId);
  }

  async releaseById(requestId: string): Promise<boolean> {
    const r = await this.commits.submit({ kind: 'release', requestId });
    return r.kind === 'release' && r.released;
  }

  close(): void {
    this.commits.close();
  }

  private markupOf(platformId: string): number {
    let markup = this.markups.get(platformId);
    if (markup === undefined) {
      markup = markupFromSettings(this.st.settings.get(platformId));
      this.markups.set(platformId, markup);
    }
    return markup;
  }

  private apply(op: Op, nowMs: number): OpResult {
    const nowIso = new Date(nowMs).toISOString();
    if (op.kind === 'reserve') return this.applyReserve(op.req, op.markup, nowMs, nowIso);
    if (op.kind === 'settle') return { kind: 'settle', result: this.applySettle(op, nowIso) };
    const r = this.st.deleteReservation.get(op.requestId);
    if (r) {
      if (r.budget_id && r.budget_micros) this.st.releaseBudget.run(r.budget_micros, r.budget_id);
      if (r.wallet_micros) this.st.releaseWallet.run(r.wallet_micros, r.platform_id);
    }
    return { kind: 'release', released: Boolean(r) };
  }

  private applyReserve(req: ReserveRequest, markup: number, nowMs: number, nowIso: string): OpResult {
    const worst = worstCaseMicros(req);
    const budgetNeed = withMarkupMicros(worst, markup);
    const budget = req.endUserId ? this.st.budgetOfUser.get(req.endUserId) : undefined;
    const plan = planReserve(budget, this.st.wallet.get(req.platformId), req, worst, budgetNeed, markup, nowMs);
    if (plan.reset && budget && req.endUserId) {
      const row = this.st.resetBudget.get(plan.reset.periodStart, nowIso, budget.id);
      if (row && plan.reset.amountMicros > 0) {
        this.budgetTx(
          budget.id,
          req.platformId,
          req.endUserId,
          'reset',
          plan.reset.amountMicros,
          row.max_micros,
          0,
          'Period reset',
          null,
          nowIso,
        );
      }
    }
    if (plan.refusal) return { kind: 'reserve', result: plan.refusal };
    const expiresAt = new Date(nowMs + this.opts.reservationTtlMs).toISOString();
    const inserted = this.st.insertReservation.run(
      req.requestId,
      req.platformId,
      req.endUserId,
      plan.budgetId,
      plan.walletHoldMicros,
      plan.budgetHoldMicros,
      nowIso,
      expiresAt,
    );
    if (inserted.changes === 0) return { kind: 'error', error: new Error(`request ${req.requestId} already holds a reservation`) };
    if (plan.budgetId && req.endUserId) {
      if (plan.replenishMicros > 0) {
        const row = this.st.raiseMax.get(plan.replenishMicros, nowIso, plan.budgetId);
        if (row)
          this.budgetTx(
            plan.budgetId,
            req.platformId,
            req.endUserId,
            'replenish',
            plan.replenishMicros,
            row.max_micros,
            row.used_micros,
            'Auto-replenish',
            null,
            nowIso,
          );
      }
      this.st.holdBudget.run(plan.budgetHoldMicros, plan.budgetId);
    }
    this.st.holdWallet.run(plan.walletHoldMicros, req.platformId);
    return {
      kind: 'reserve',
      result: {
        ok: true,
        reservation: {
          requestId: req.requestId,
          platformId: req.platformId,
          endUserId: req.endUserId,
          budgetId: plan.budgetId,
          walletMicros: plan.walletHoldMicros,
          budgetMicros: plan.budgetHoldMicros,
          markupPercentage: markup,
        },
      },
    };
  }

  private applySettle(op: Extract<Op, { kind: 'settle' }>, nowIso: string): Settled {
    const r = this.st.deleteReservation.get(op.requestId);
    if (!r) {
      // Already resolved: by an earlier settle (report its amounts) or by the sweeper (nothing was billed).
      const wallet = this.st.walletUsageOf.get(op.requestId);
      if (wallet === undefined) return { walletMicros: 0, endUserMicros: 0, status: 'expired' };
      return {
        walletMicros: wallet,
        endUserMicros: this.st.budgetUsageOf.get(op.requestId) ?? withMarkupMicros(wallet, op.markup),
        status: 'already_settled',
      };
    }
    const cost = op.costMicros;
    const endUserCost = withMarkupMicros(cost, op.markup);
    let cappedFrom: number | undefined;
    let endUserMicros = endUserCost;
    if (r.budget_id && r.end_user_id) {
      let charge = endUserCost;
      let row = this.st.postBudgetIfCovered.get(r.budget_micros, charge, nowIso, r.budget_id, r.budget_micros, charge);
      if (!row) {
        const cur = this.st.budgetById.get(r.budget_id);
        if (cur) {
          // The provider overran max_tokens: charge what the budget still has, never below zero.
          charge = Math.min(charge, Math.max(0, cur.max_micros - cur.used_micros - cur.reserved_micros + r.budget_micros));
          cappedFrom = cost;
          row = this.st.postBudget.get(r.budget_micros, charge, nowIso, r.budget_id);
        }
      }
      if (row) {
        endUserMicros = charge;
        const metadata = charge < endUserCost ? JSON.stringify({ capped_from_micros: endUserCost }) : '{}';
        this.budgetTx(
          r.budget_id,
          r.platform_id,
          r.end_user_id,
          'usage',
          -charge,
          row.max_micros,
          row.used_micros,
          op.description,
          op.requestId,
          nowIso,
          metadata,
        );
      }
    }
    let charge = cost;
    let wallet = this.st.postWalletIfCovered.get(r.wallet_micros, charge, nowIso, r.platform_id, r.wallet_micros, charge);
    let description = op.description;
    if (!wallet) {
      const cur = this.st.wallet.get(r.platform_id);
      if (cur) {
        charge = Math.min(charge, Math.max(0, cur.balance_micros - cur.reserved_micros + r.wallet_micros));
        cappedFrom = cost;
        description = `${op.description} (capped: the cost of ${cost} µUSD exceeded the available balance)`;
        wallet = this.st.postWallet.get(r.wallet_micros, charge, nowIso, r.platform_id);
      }
    }
    if (wallet) {
      this.st.insertWalletTx.run(
        uuidv7(),
        wallet.id,
        r.platform_id,
        -charge,
        wallet.balance_micros,
        description,
        op.requestId,
        r.end_user_id,
        nowIso,
      );
    } else {
      charge = 0;
    }
    return { walletMicros: charge, endUserMicros, status: 'settled', ...(cappedFrom !== undefined && { cappedFromMicros: cappedFrom }) };
  }

  private budgetTx(
    budgetId: string,
    platformId: string,
    endUserId: string,
    type: string,
    amountMicros: number,
    maxAfterMicros: number,
    usedAfterMicros: number,
    reason: string,
    requestId: string | null,
    nowIso: string,
    metadata = '{}',
  ): void {
    this.st.insertBudgetTx.run(
      uuidv7(),
      budgetId,
      platformId,
      endUserId,
      type,
      amountMicros,
      maxAfterMicros,
      usedAfterMicros,
      reason,
      metadata,
      requestId,
      nowIso,
    );
  }
}
