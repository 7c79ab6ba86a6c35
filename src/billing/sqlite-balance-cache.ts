/**
 * The wallet and budget rows the SQLite engine reserves against, kept in memory between calls (issue 14: the
 * row read was the costliest step of a reservation). Kept exact by detecting every change to those rows:
 *   - writes on the gateway's own connection (management routes, the log writer, a test's UPDATE) move SQLite's
 *     `total_changes()`, read before every use (0.2 µs: it needs no read transaction);
 *   - commits by another connection move `PRAGMA data_version`, which needs a read transaction (~3 µs, as much as
 *     the rows themselves), so it is read inside each of the engine's own transactions (every group commit: under
 *     load, many times a second) and otherwise at most every VERSION_CHECK_MS. No other process writes these rows
 *     while the gateway owns the file (sqlite-owner-lock.ts; the CLI only creates platforms), so this bounds how
 *     long a hand-made change (an operator's sqlite3 shell) can go unseen when the gateway is idle.
 * When either differs from what the cache last stamped, every entry is dropped and rows are read afresh. The
 * engine's own money writes keep the entries in step (the amounts each UPDATE returns) and re-stamp after their
 * commit; they check the stamp inside their transaction, after the write lock is taken, so no other writer can
 * slip in between the check and the re-stamp. A transaction that rolls back is never re-stamped: its own UPDATEs
 * moved total_changes, so the next check drops the entries it touched.
 */
import type SQLite from 'better-sqlite3';
import type { BudgetRow, WalletRow } from './reserve-plan.js';

/** Entries kept at most (end users with a budget row, or without one); past this the map starts over. */
const MAX_ENTRIES = 50_000;

/** Outside the engine's transactions, another connection's commit is looked for at most this often. */
export const VERSION_CHECK_MS = 100;

export type CachedRows = { wallet: WalletRow | undefined; budget: BudgetRow | undefined };

export class SqliteBalanceCache {
  private readonly changesNow: SQLite.Statement<[], number>;
  private readonly versionNow: SQLite.Statement<[], number>;
  private versionCheckedAtMs = Number.NEGATIVE_INFINITY;
  private readonly wallets = new Map<string, WalletRow | undefined>();
  /** By end user id (a budget belongs to one end user); `undefined` = the end user has no budget row. */
  private readonly budgets = new Map<string, BudgetRow | undefined>();
  private changes = -1;
  private dataVersion = -1;
  /** Rows read from the file because the cache could not answer (tests; a steady load reads almost none). */
  reads = 0;

  constructor(db: SQLite.Database) {
    this.changesNow = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.versionNow = db.prepare<[], number>('SELECT data_version FROM pragma_data_version()').pluck();
  }

  /**
   * The rows for a reservation: cached when nothing but the engine wrote since the last stamp, else read with
   * `read`. Callers must not mutate what is returned.
   */
  rows(platformId: string, endUserId: string | null, read: () => CachedRows): CachedRows {
    if (performance.now() - this.versionCheckedAtMs >= VERSION_CHECK_MS) this.check();
    else if (this.changesNow.get() !== this.changes) this.drop(this.dataVersion);
    const wallet = this.wallets.get(platformId);
    const budget = endUserId === null ? undefined : this.budgets.get(endUserId);
    if (
      (wallet !== undefined || this.wallets.has(platformId)) &&
      (endUserId === null || budget !== undefined || this.budgets.has(endUserId))
    )
      return { wallet, budget };
    this.reads++;
    const fresh = read();
    if (this.wallets.size >= MAX_ENTRIES) this.wallets.clear();
    this.wallets.set(platformId, fresh.wallet);
    if (endUserId !== null) {
      if (this.budgets.size >= MAX_ENTRIES) this.budgets.clear();
      this.budgets.set(endUserId, fresh.budget);
    }
    return fresh;
  }

  /** Drops every entry if anything but the engine wrote since the last stamp. First thing in each engine transaction. */
  check(): void {
    const dataVersion = this.versionNow.get() as number;
    this.versionCheckedAtMs = performance.now();
    if (dataVersion !== this.dataVersion || this.changesNow.get() !== this.changes) this.drop(dataVersion);
  }

  /** After the engine's own transaction committed, with the entries already in step with what it wrote. */
  restamp(): void {
    this.changes = this.changesNow.get() as number;
  }

  private drop(dataVersion: number): void {
    this.wallets.clear();
    this.budgets.clear();
    this.changes = this.changesNow.get() as number;
    this.dataVersion = dataVersion;
  }

  /** Everything is read afresh (at start-up, after the engine voided an older version's reservations). */
  clear(): void {
    this.wallets.clear();
    this.budgets.clear();
    this.changes = -1;
    this.versionCheckedAtMs = Number.NEGATIVE_INFINITY;
  }

  /** A settlement's wallet debit, as the UPDATE returned it. */
  walletPosted(platformId: string, balanceMicros: number): void {
    const wallet = this.wallets.get(platformId);
    if (wallet) wallet.balance_micros = balanceMicros;
  }

  /** A settlement's budget usage, as the UPDATE returned it. */
  budgetPosted(endUserId: string, maxMicros: number, usedMicros: number): void {
    const budget = this.budgets.get(endUserId);
    if (budget) {
      budget.max_micros = maxMicros;
      budget.used_micros = usedMicros;
    }
  }

  /** A budget row changed in ways not tracked here (period reset, replenish): read afresh next time. */
  forgetBudget(endUserId: string): void {
    this.budgets.delete(endUserId);
  }
}
