/**
 * The wallet and budget rows the SQLite engine reserves against, kept in memory between calls (issue 14: the
 * row read was the costliest step of a reservation). Exact because every change to those rows is detected:
 *   - writes on the gateway's own connection (management routes, the log writer, a test's UPDATE) move SQLite's
 *     `total_changes()`;
 *   - commits by any other connection (another process, the CLI) move `PRAGMA data_version`.
 * Both are read in one statement; when either differs from what the cache last stamped, every entry is dropped
 * and rows are read afresh. The engine's own money writes keep the entries in step (the amounts each UPDATE
 * returns) and re-stamp after their commit; they check the stamp inside their transaction, after the write lock
 * is taken, so no other writer can slip in between the check and the re-stamp. A transaction that rolls back is
 * never re-stamped: its own UPDATEs moved total_changes, so the next check drops the entries it touched.
 */
import type SQLite from 'better-sqlite3';
import type { BudgetRow, WalletRow } from './reserve-plan.js';

/** Entries kept at most (end users with a budget row, or without one); past this the map starts over. */
const MAX_ENTRIES = 50_000;

export type CachedRows = { wallet: WalletRow | undefined; budget: BudgetRow | undefined };

export class SqliteBalanceCache {
  private readonly stamp: SQLite.Statement<[], unknown[]>;
  private readonly wallets = new Map<string, WalletRow | undefined>();
  /** By end user id (a budget belongs to one end user); `undefined` = the end user has no budget row. */
  private readonly budgets = new Map<string, BudgetRow | undefined>();
  private changes = -1;
  private dataVersion = -1;
  /** Rows read from the file because the cache could not answer (tests; a steady load reads almost none). */
  reads = 0;

  constructor(db: SQLite.Database) {
    this.stamp = db.prepare<[], unknown[]>('SELECT total_changes(), data_version FROM pragma_data_version()').raw();
  }

  /**
   * The rows for a reservation: cached when nothing but the engine wrote since the last stamp, else read with
   * `read`. Callers must not mutate what is returned.
   */
  rows(platformId: string, endUserId: string | null, read: () => CachedRows): CachedRows {
    this.check();
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
    const [changes, dataVersion] = this.stamp.get() as [number, number];
    if (changes === this.changes && dataVersion === this.dataVersion) return;
    this.clear();
    this.changes = changes;
    this.dataVersion = dataVersion;
  }

  /** After the engine's own transaction committed, with the entries already in step with what it wrote. */
  restamp(): void {
    const [changes, dataVersion] = this.stamp.get() as [number, number];
    this.changes = changes;
    this.dataVersion = dataVersion;
  }

  /** Everything is read afresh (at start-up, after the engine voided an older version's reservations). */
  clear(): void {
    this.wallets.clear();
    this.budgets.clear();
    this.changes = -1;
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
