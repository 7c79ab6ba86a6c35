/**
 * The billing engine on SQLite, the embedded single-process database (docs/decisions.md): reservations are
 * held in memory (holds.ts), so reserve is a synchronous check of the wallet and budget rows minus the
 * process's holds, with no write; settle posts the ledger rows and the request's log row in a group-commit
 * transaction (group-commit.ts) and drops the hold in it; release drops the hold (and commits its log row). Only this engine moves money in the
 * file while it runs (sqlite-owner-lock.ts), and every read-check-hold runs synchronously, so nothing
 * interleaves between a check and its hold.
 */
import type SQLite from 'better-sqlite3';
import { uuidv7 } from '../crypto/ids.js';
import type { RequestLogsTable } from '../store/schema.js';
import { chargedLogRow } from './charged-log-row.js';
import type { Reservation, ReserveRequest, ReserveResult, Settled, SettleInput } from './engine-types.js';
import { GroupCommit } from './group-commit.js';
import { type Hold, Holds } from './holds.js';
import { budgetThresholds, crossedBelow, thresholdData, thresholdSuffix } from './low-balance.js';
import { type BillingSettings, billingSettingsFrom, type MarkupCache } from './markup-cache.js';
import { microsToUsd, withMarkupMicros, worstCaseMicros } from './money.js';
import { type BudgetRow, planReserve, type ReservePlan } from './reserve-plan.js';
import { SqliteBalanceCache } from './sqlite-balance-cache.js';
import { sqliteEvents } from './sqlite-events.js';
import { SqliteOwnerLock } from './sqlite-owner-lock.js';
import { sqliteStatements } from './sqlite-statements.js';

export type EngineOptions = {
  /** A reservation older than this is voided by the sweeper (PostgreSQL): longer than any request may run. */
  reservationTtlMs: number;
  /** Bound on the operations committed in one group-commit transaction. */
  maxBatch: number;
  now: () => number;
  /** After a commit that enqueued webhook events (SQLite): the delivery worker sends them now, not at its next poll. */
  onEventsCommitted?: () => void;
};

/** What one group-commit transaction applies: a settlement, or the log row of a call that moved no money. */
type MoneyOp =
  | {
      kind: 'settle';
      hold: Hold;
      costMicros: number;
      markup: number;
      /** settings.low_balance_thresholds of the platform, read from the cache when the settle was submitted. */
      lowBalancePcts: readonly number[];
      description: string;
      logRow?: RequestLogsTable;
    }
  | { kind: 'log'; logRow: RequestLogsTable };

const EXPIRED: Settled = { walletMicros: 0, endUserMicros: 0, status: 'expired' };

export class SqliteBillingEngine {
  private readonly st: ReturnType<typeof sqliteStatements>;
  private readonly events: ReturnType<typeof sqliteEvents>;
  private readonly notifyExhausted: SQLite.Transaction<(req: ReserveRequest, budgetId: string, needMicros: number, nowIso: string) => void>;
  private readonly commits: GroupCommit<MoneyOp, Settled>;
  private readonly holds = new Holds();
  /** The wallet and budget rows between calls, exact while only this engine writes them. */
  readonly balances: SqliteBalanceCache;
  /** Settlements claimed and not yet committed: a second settle of the same request waits for the first. */
  private readonly settling = new Map<string, Promise<Settled>>();
  /** Whether the open transaction enqueued a webhook event. */
  private eventsInTx = false;
  /** Holds dropped inside the open group-commit transaction, restored if it rolls back. */
  private droppedInTx: Hold[] = [];
  private readonly owner: SqliteOwnerLock | null;
  private readonly periodMoves: SQLite.Transaction<(budget: BudgetRow, req: ReserveRequest, plan: ReservePlan, nowIso: string) => void>;
  private closed = false;
  private lastNowMs = Number.NaN;
  private lastNowIso = '';

  constructor(
    private readonly db: SQLite.Database,
    private readonly markups: MarkupCache,
    private readonly opts: EngineOptions,
  ) {
    this.st = sqliteStatements(db);
    this.balances = new SqliteBalanceCache(db);
    const events = sqliteEvents(db);
    this.events = {
      ...events,
      enqueue: (...args) => {
        this.eventsInTx = true;
        events.enqueue(...args);
      },
    };
    this.notifyExhausted = db.transaction((req, budgetId, needMicros, nowIso) => {
      this.balances.check();
      this.writeExhausted(req, budgetId, needMicros, nowIso);
    });
    this.owner = db.memory ? null : new SqliteOwnerLock(db.name);
    this.commits = new GroupCommit<MoneyOp, Settled>(db, (op, nowMs) => this.apply(op, nowMs), {
      maxBatch: opts.maxBatch,
      now: opts.now,
      onBegin: () => this.balances.check(),
      onCommit: () => {
        this.balances.restamp();
        this.droppedInTx = [];
        this.eventsCommitted();
      },
      onRollback: () => {
        for (const hold of this.droppedInTx) this.holds.restore(hold);
        this.droppedInTx = [];
        this.eventsInTx = false;
      },
    });
    this.periodMoves = db.transaction((budget, req, plan, nowIso) => {
      this.balances.check();
      this.writePeriodMoves(budget, req, plan, nowIso);
      this.balances.forgetBudget(req.endUserId as string);
    });
  }

  /**
   * Becomes the database's one money-writing process (throws when another owns it), and voids reservation
   * rows an older version left behind when it crashed: holds of this version live only in memory.
   */
  start(): void {
    this.owner?.acquire();
    if (this.st.anyReservation.get() !== undefined) this.db.transaction(() => this.st.voidLegacyReservations())();
    this.balances.clear();
  }

  reserve(req: ReserveRequest): Promise<ReserveResult> {
    if (this.closed) return Promise.reject(new Error('billing engine is closed'));
    // A management route's transaction is open on the shared connection: its rows are not committed yet.
    if (this.db.inTransaction) return this.whenNoTransaction().then(() => this.reserve(req));
    try {
      return Promise.resolve(this.reserveNow(req));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  settle(reservation: Reservation, input: SettleInput): Promise<Settled> {
    if (!Number.isSafeInteger(input.costMicros) || input.costMicros < 0)
      return Promise.reject(new RangeError(`settle needs a non-negative integer cost, got ${input.costMicros}`));
    const requestId = reservation.requestId;
    const hold = this.holds.claim(requestId);
    if (!hold) return this.alreadyResolved(requestId, reservation.markupPercentage, input.logRow);
    const op: MoneyOp = {
      kind: 'settle',
      hold,
      costMicros: input.costMicros,
      markup: reservation.markupPercentage,
      lowBalancePcts: this.settingsOf(reservation.platformId).lowBalancePcts,
      description: input.description,
      logRow: input.logRow,
    };
    const settled = this.commits.submit(op).then(
      (result) => {
        this.settling.delete(requestId);
        return result;
      },
      (err: unknown) => {
        this.settling.delete(requestId);
        // Nothing was posted: the hold is void (on PostgreSQL the sweeper would release it later).
        this.holds.drop(hold);
        throw err;
      },
    );
    this.settling.set(requestId, settled);
    return settled;
  }

  release(reservation: Reservation, logRow?: RequestLogsTable): Promise<void> {
    this.releaseNow(reservation.requestId);
    return logRow ? this.writeUnbilled(logRow) : Promise.resolve();
  }

  releaseById(requestId: string): Promise<boolean> {
    return Promise.resolve(this.releaseNow(requestId));
  }

  /** µUSD held in memory on the platform's wallet by requests in flight. */
  walletHeldMicros(platformId: string): number {
    return this.holds.walletMicros(platformId);
  }

  /** µUSD held in memory on the budget by requests in flight. */
  budgetHeldMicros(budgetId: string): number {
    return this.holds.budgetMicros(budgetId);
  }

  close(): void {
    this.commits.close();
    this.closed = true;
    this.owner?.release();
  }

  private releaseNow(requestId: string): boolean {
    const hold = this.holds.claim(requestId);
    if (hold) this.holds.drop(hold);
    return Boolean(hold);
  }

  private whenNoTransaction(): Promise<void> {
    return new Promise((resolve) => {
      const poll = () => (this.db.inTransaction ? setImmediate(poll) : resolve());
      setImmediate(poll);
    });
  }

  private settingsOf(platformId: string): BillingSettings {
    let settings = this.markups.get(platformId);
    if (settings === undefined) {
      settings = billingSettingsFrom(this.st.settings.get(platformId));
      this.markups.set(platformId, settings);
    }
    return settings;
  }

  private reserveNow(req: ReserveRequest): ReserveResult {
    this.owner?.acquire();
    if (this.holds.has(req.requestId) || this.settling.has(req.requestId))
      throw new Error(`request ${req.requestId} already holds a reservation`);
    const markup = req.markupPercentage ?? this.settingsOf(req.platformId).markup;
    const worst = worstCaseMicros(req);
    const budgetNeed = withMarkupMicros(worst, markup);
    // The rows as committed (from memory unless something else wrote them; one prepared read otherwise), plus
    // what this process holds in memory as reserved: copies, the cached rows stay as committed.
    const rows = this.balances.rows(req.platformId, req.endUserId, () => this.st.walletAndBudget(req.platformId, req.endUserId));
    const budget = rows.budget && {
      ...rows.budget,
      reserved_micros: rows.budget.reserved_micros + this.holds.budgetMicros(rows.budget.id),
    };
    const wallet = rows.wallet && {
      ...rows.wallet,
      reserved_micros: rows.wallet.reserved_micros + this.holds.walletMicros(req.platformId),
    };
    const nowMs = this.opts.now();
    const plan = planReserve(budget, wallet, req, worst, budgetNeed, markup, nowMs);
    // An upper bound of the prompt decides nothing that moves money or refuses: the exact count does (nothing
    // was written yet, and the rows are read afresh).
    if (req.exact && (plan.refusal || plan.replenishMicros > 0)) return this.reserveNow({ ...req, ...req.exact(), exact: undefined });
    // Rare (once per period, or when a budget runs dry): its own short transaction, committed before the answer.
    if (budget && (plan.reset || plan.replenishMicros > 0))
      this.ownWrite(() => this.periodMoves.immediate(budget, req, plan, new Date(nowMs).toISOString()));
    if (plan.refusal) {
      // First refusal since the budget was last re-armed: budget.exhausted (a small transaction, only if subscribed).
      if (plan.refusal.code === 'budget_exhausted' && budget && this.events.subscribers(req.platformId, 'budget.exhausted').length > 0) {
        try {
          this.ownWrite(() => this.notifyExhausted.immediate(req, budget.id, budgetNeed, new Date(nowMs).toISOString()));
        } catch (err) {
          this.eventsInTx = false;
          throw err;
        }
        this.eventsCommitted();
      }
      return plan.refusal;
    }
    const hold: Hold = {
      requestId: req.requestId,
      platformId: req.platformId,
      endUserId: req.endUserId,
      budgetId: plan.budgetId,
      walletMicros: plan.walletHoldMicros,
      budgetMicros: plan.budgetHoldMicros,
    };
    this.holds.add(hold);
    return { ok: true, reservation: { ...hold, markupPercentage: markup } };
  }

  /**
   * One of the engine's own short transactions (they check the cache's stamp first inside and forget the budget
   * they move): re-stamped after its commit. One that threw committed nothing and changed no entry, so the
   * cache still matches the file.
   */
  private ownWrite(write: () => void): void {
    write();
    this.balances.restamp();
  }

  private eventsCommitted(): void {
    if (!this.eventsInTx) return;
    this.eventsInTx = false;
    this.opts.onEventsCommitted?.();
  }

  /** The lazy period reset (also before a refusal) and the auto-replenish, each with its ledger row. */
  private writePeriodMoves(budget: BudgetRow, req: ReserveRequest, plan: ReservePlan, nowIso: string): void {
    const endUserId = req.endUserId as string;
    if (plan.reset) {
      const row = this.st.resetBudget.get(plan.reset.periodStart, nowIso, budget.id);
      if (row && plan.reset.amountMicros > 0)
        this.st.appendBudgetTx(
          budget.id,
          req.platformId,
          endUserId,
          'reset',
          plan.reset.amountMicros,
          row.max_micros,
          0,
          'Period reset',
          null,
          nowIso,
        );
    }
    if (plan.replenishMicros > 0 && !plan.refusal) {
      const row = this.st.raiseMax.get(plan.replenishMicros, nowIso, budget.id);
      if (row)
        this.st.appendBudgetTx(
          budget.id,
          req.platformId,
          endUserId,
          'replenish',
          plan.replenishMicros,
          row.max_micros,
          row.used_micros,
          'Auto-replenish',
          null,
          nowIso,
        );
    }
  }

  /** Marks the budget notified and enqueues budget.exhausted, unless it was notified since it was last re-armed. */
  private writeExhausted(req: ReserveRequest, budgetId: string, needMicros: number, nowIso: string): void {
    const row = this.events.markExhausted(budgetId);
    if (!row) return;
    const endpoints = this.events.subscribers(req.platformId, 'budget.exhausted');
    // The event id uses the refused request's id in place of a transaction id (spec §6).
    this.events.enqueue(
      req.platformId,
      'budget.exhausted',
      req.requestId,
      '',
      nowIso,
      {
        platform_id: req.platformId,
        end_user_id: req.endUserId,
        budget_id: budgetId,
        transaction_id: req.requestId,
        type: 'exhausted',
        amount_usd: microsToUsd(needMicros),
        max_usd_after: microsToUsd(row.max_micros),
        used_usd_after: microsToUsd(row.used_micros),
        remaining_usd_after: microsToUsd(row.max_micros - row.used_micros),
        reason: 'budget_exhausted',
        metadata: {},
      },
      endpoints,
    );
  }

  /** Commits the log row of a call that moved no money (released, or settled after its hold was voided). */
  private writeUnbilled(logRow: RequestLogsTable): Promise<void> {
    return this.commits.submit({ kind: 'log', logRow: chargedLogRow(logRow, null) }).then(() => undefined);
  }

  /**
   * A settle whose hold is gone: an earlier settle posted it (report its amounts; its row is the log row) or
   * it was released (nothing billed: the row given is written not_billed).
   */
  private alreadyResolved(requestId: string, markup: number, logRow: RequestLogsTable | undefined): Promise<Settled> {
    const expired = () => (logRow ? this.writeUnbilled(logRow).then(() => EXPIRED) : EXPIRED);
    const pending = this.settling.get(requestId);
    if (pending)
      return pending.then(
        (first): Settled | Promise<Settled> => (first.status === 'settled' ? { ...first, status: 'already_settled' } : first),
        expired,
      );
    const wallet = this.st.walletUsageOf.get(requestId);
    if (wallet === undefined) return Promise.resolve(expired());
    return Promise.resolve({
      walletMicros: wallet,
      endUserMicros: this.st.budgetUsageOf.get(requestId) ?? withMarkupMicros(wallet, markup),
      status: 'already_settled',
    });
  }

  private apply(op: MoneyOp, nowMs: number): Settled {
    if (op.kind === 'settle') return this.applySettle(op, nowMs);
    this.st.insertLog(op.logRow);
    return EXPIRED;
  }

  /**
   * Posts one settlement and its log row inside the group-commit transaction. A charge fits when it is within
   * what the balance has beyond the OTHER requests' holds; a provider overrun beyond that is capped, never
   * below zero.
   */
  private applySettle(op: Extract<MoneyOp, { kind: 'settle' }>, nowMs: number): Settled {
    const { hold } = op;
    const nowIso = this.isoOf(nowMs);
    const cost = op.costMicros;
    const endUserCost = withMarkupMicros(cost, op.markup);
    let cappedFrom: number | undefined;
    let endUserMicros = endUserCost;
    if (hold.budgetId && hold.endUserId) {
      const others = this.holds.budgetMicros(hold.budgetId) - hold.budgetMicros;
      let charge = endUserCost;
      let row = this.st.postBudgetIfCovered.get(charge, nowIso, hold.budgetId, others, charge);
      if (!row) {
        const cur = this.st.budgetById.get(hold.budgetId);
        if (cur) {
          charge = Math.min(charge, Math.max(0, cur.max_micros - cur.used_micros - cur.reserved_micros - others));
          cappedFrom = cost;
          row = this.st.postBudget.get(charge, nowIso, hold.budgetId);
        }
      }
      if (row) {
        this.balances.budgetPosted(hold.endUserId, row.max_micros, row.used_micros);
        endUserMicros = charge;
        const metadata = charge < endUserCost ? JSON.stringify({ capped_from_micros: endUserCost }) : '{}';
        const txId = this.st.appendBudgetTx(
          hold.budgetId,
          hold.platformId,
          hold.endUserId,
          'usage',
          -charge,
          row.max_micros,
          row.used_micros,
          op.description,
          hold.requestId,
          nowIso,
          metadata,
        );
        this.budgetLowBalance(op, row, charge, txId, metadata, nowIso);
      }
    }
    const others = this.holds.walletMicros(hold.platformId) - hold.walletMicros;
    let charge = cost;
    let wallet = this.st.postWalletIfCovered.get(charge, nowIso, hold.platformId, others, charge);
    let description = op.description;
    if (!wallet) {
      const cur = this.st.wallet.get(hold.platformId);
      if (cur) {
        charge = Math.min(charge, Math.max(0, cur.balance_micros - cur.reserved_micros - others));
        cappedFrom = cost;
        description = `${op.description} (capped: the cost of ${cost} µUSD exceeded the available balance)`;
        wallet = this.st.postWallet.get(charge, nowIso, hold.platformId);
      }
    }
    if (wallet) {
      this.balances.walletPosted(hold.platformId, wallet.balance_micros);
      const txId = uuidv7();
      this.st.insertWalletTx.run(
        txId,
        wallet.id,
        hold.platformId,
        -charge,
        wallet.balance_micros,
        description,
        hold.requestId,
        hold.endUserId,
        nowIso,
      );
      const threshold = wallet.low_balance_threshold_micros;
      if (threshold !== null && crossedBelow(wallet.balance_micros + charge, wallet.balance_micros, threshold)) {
        const endpoints = this.events.subscribers(hold.platformId, 'wallet.low_balance');
        if (endpoints.length > 0)
          this.events.enqueue(
            hold.platformId,
            'wallet.low_balance',
            txId,
            '',
            nowIso,
            {
              platform_id: hold.platformId,
              wallet_id: wallet.id,
              transaction_id: txId,
              type: 'llm_usage',
              amount_usd: microsToUsd(-charge),
              balance_after: microsToUsd(wallet.balance_micros),
              reason: description,
              ...thresholdData({ micros: threshold, percentage: null }),
            },
            endpoints,
          );
      }
    } else {
      charge = 0;
    }
    if (op.logRow) this.st.insertLog(chargedLogRow(op.logRow, wallet ? { walletMicros: charge, endUserMicros } : null));
    // Posted inside this transaction: the hold stops counting now (restored if the transaction rolls back).
    this.holds.drop(hold);
    this.droppedInTx.push(hold);
    return { walletMicros: charge, endUserMicros, status: 'settled', ...(cappedFrom !== undefined && { cappedFromMicros: cappedFrom }) };
  }

  /** budget.low_balance for each threshold this usage row took `remaining = max - used` below (spec §6: edge-triggered). */
  private budgetLowBalance(
    op: Extract<MoneyOp, { kind: 'settle' }>,
    row: { max_micros: number; used_micros: number; low_balance_threshold_micros: number | null },
    charge: number,
    txId: string,
    metadata: string,
    nowIso: string,
  ): void {
    if (row.low_balance_threshold_micros === null && op.lowBalancePcts.length === 0) return; // the usual case: no thresholds
    const after = row.max_micros - row.used_micros;
    const crossed = budgetThresholds(row.max_micros, row.low_balance_threshold_micros, op.lowBalancePcts).filter((t) =>
      crossedBelow(after + charge, after, t.micros),
    );
    if (crossed.length === 0) return;
    const { hold } = op;
    const endpoints = this.events.subscribers(hold.platformId, 'budget.low_balance');
    if (endpoints.length === 0) return;
    for (const t of crossed)
      this.events.enqueue(
        hold.platformId,
        'budget.low_balance',
        txId,
        thresholdSuffix(t),
        nowIso,
        {
          platform_id: hold.platformId,
          end_user_id: hold.endUserId,
          budget_id: hold.budgetId,
          transaction_id: txId,
          type: 'usage',
          amount_usd: microsToUsd(-charge),
          max_usd_after: microsToUsd(row.max_micros),
          used_usd_after: microsToUsd(row.used_micros),
          remaining_usd_after: microsToUsd(after),
          reason: op.description,
          metadata: JSON.parse(metadata) as unknown,
          ...thresholdData(t),
        },
        endpoints,
      );
  }

  /** One timestamp per group-commit batch: every operation in it shares nowMs. */
  private isoOf(nowMs: number): string {
    if (nowMs !== this.lastNowMs) {
      this.lastNowMs = nowMs;
      this.lastNowIso = new Date(nowMs).toISOString();
    }
    return this.lastNowIso;
  }
}
