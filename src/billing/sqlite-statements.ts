/**
 * The SQLite engine's prepared statements. The `reserved_micros` columns stay 0 on SQLite (holds live in
 * memory); the conditions still subtract them, so a row an older version left reserved is never overspent.
 */
import type SQLite from 'better-sqlite3';
import { uuidv7 } from '../crypto/ids.js';
import type { RequestLogsTable } from '../store/schema.js';
import { LOG_COLUMNS } from './charged-log-row.js';
import type { BudgetRow, WalletRow } from './reserve-plan.js';

const BUDGET_COLUMNS = [
  'id',
  'max_micros',
  'used_micros',
  'reserved_micros',
  'period',
  'period_start',
  'auto_replenish',
  'replenish_amount_micros',
  'is_active',
  'is_suspended',
] as const satisfies ReadonlyArray<keyof BudgetRow>;

type Posted = { max_micros: number; used_micros: number; low_balance_threshold_micros: number | null };
type Debited = { id: string; balance_micros: number; low_balance_threshold_micros: number | null };

export function sqliteStatements(db: SQLite.Database) {
  const insertBudgetTx = db.prepare(
    'INSERT INTO budget_transactions (id, budget_id, platform_id, end_user_id, type, amount_micros, max_after_micros, used_after_micros, reason, metadata, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const walletAndBudget = db
    .prepare(
      `SELECT w.balance_micros, w.reserved_micros, ${BUDGET_COLUMNS.map((c) => `b.${c}`).join(', ')} ` +
        'FROM (SELECT 1) LEFT JOIN wallets w ON w.platform_id = ? LEFT JOIN budgets b ON b.end_user_id = ?',
    )
    .raw();
  // A request id that already has its row keeps it: the debit beside it still commits (docs/billing.md).
  const insertLog = db.prepare(
    `INSERT INTO request_logs (${LOG_COLUMNS.join(', ')}) VALUES (${LOG_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
  );
  return {
    /** Writes a request's log row unless one exists for its request id (or its id). */
    insertLog(row: RequestLogsTable): void {
      insertLog.run(LOG_COLUMNS.map((c) => row[c]));
    },
    /** The wallet and the end user's budget, fresh objects, in one statement (one read transaction, not two). */
    walletAndBudget(platformId: string, endUserId: string | null): { wallet: WalletRow | undefined; budget: BudgetRow | undefined } {
      // Positional: the wallet's two columns, then BUDGET_COLUMNS (null when a row is missing).
      const r = walletAndBudget.get(platformId, endUserId) as unknown[];
      const wallet = r[0] === null ? undefined : { balance_micros: r[0] as number, reserved_micros: r[1] as number };
      if (r[2] === null) return { wallet, budget: undefined };
      const budget: Record<string, unknown> = {};
      for (let i = 0; i < BUDGET_COLUMNS.length; i++) budget[BUDGET_COLUMNS[i]] = r[i + 2];
      return { wallet, budget: budget as BudgetRow };
    },
    wallet: db.prepare<[string], WalletRow>('SELECT balance_micros, reserved_micros FROM wallets WHERE platform_id = ?'),
    settings: db.prepare<[string], string>('SELECT settings FROM platforms WHERE id = ?').pluck(),
    resetBudget: db.prepare<[string, string, string], { max_micros: number }>(
      'UPDATE budgets SET used_micros = 0, period_start = ?, updated_at = ? WHERE id = ? RETURNING max_micros',
    ),
    raiseMax: db.prepare<[number, string, string], Posted>(
      'UPDATE budgets SET max_micros = max_micros + ?, updated_at = ? WHERE id = ? RETURNING max_micros, used_micros, low_balance_threshold_micros',
    ),
    // Settlement, fast path: the charge fits in what the budget has beyond the other requests' holds (the usual case).
    postBudgetIfCovered: db.prepare<[number, string, string, number, number], Posted>(
      'UPDATE budgets SET used_micros = used_micros + ?, updated_at = ? WHERE id = ? AND max_micros - used_micros - reserved_micros - ? >= ? RETURNING max_micros, used_micros, low_balance_threshold_micros',
    ),
    budgetById: db.prepare<[string], { max_micros: number; used_micros: number; reserved_micros: number }>(
      'SELECT max_micros, used_micros, reserved_micros FROM budgets WHERE id = ?',
    ),
    postBudget: db.prepare<[number, string, string], Posted>(
      'UPDATE budgets SET used_micros = used_micros + ?, updated_at = ? WHERE id = ? RETURNING max_micros, used_micros, low_balance_threshold_micros',
    ),
    postWalletIfCovered: db.prepare<[number, string, string, number, number], Debited>(
      'UPDATE wallets SET balance_micros = balance_micros - ?, updated_at = ? WHERE platform_id = ? AND balance_micros - reserved_micros - ? >= ? RETURNING id, balance_micros, low_balance_threshold_micros',
    ),
    postWallet: db.prepare<[number, string, string], Debited>(
      'UPDATE wallets SET balance_micros = balance_micros - ?, updated_at = ? WHERE platform_id = ? RETURNING id, balance_micros, low_balance_threshold_micros',
    ),
    insertWalletTx: db.prepare(
      "INSERT INTO wallet_transactions (id, wallet_id, platform_id, type, amount_micros, balance_after_micros, description, request_id, end_user_id, created_at) VALUES (?, ?, ?, 'llm_usage', ?, ?, ?, ?, ?, ?)",
    ),
    /** Appends one budget ledger row, stating the budget's max and used after it; returns its id. */
    appendBudgetTx(
      budgetId: string,
      platformId: string,
      endUserId: string,
      type: 'usage' | 'reset' | 'replenish',
      amountMicros: number,
      maxAfterMicros: number,
      usedAfterMicros: number,
      reason: string,
      requestId: string | null,
      nowIso: string,
      metadata = '{}',
    ): string {
      const id = uuidv7();
      insertBudgetTx.run(
        id,
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
      return id;
    },
    walletUsageOf: db
      .prepare<[string], number>("SELECT -amount_micros FROM wallet_transactions WHERE request_id = ? AND type = 'llm_usage'")
      .pluck(),
    budgetUsageOf: db
      .prepare<[string], number>("SELECT -amount_micros FROM budget_transactions WHERE request_id = ? AND type = 'usage'")
      .pluck(),
    anyReservation: db.prepare<[], number>('SELECT 1 FROM reservations LIMIT 1').pluck(),
    /** Reservation rows are written only by versions that held reservations in the database (and by PostgreSQL). */
    voidLegacyReservations() {
      db.exec(`
        UPDATE wallets SET reserved_micros = reserved_micros
          - (SELECT SUM(r.wallet_micros) FROM reservations r WHERE r.platform_id = wallets.platform_id)
          WHERE platform_id IN (SELECT platform_id FROM reservations);
        UPDATE budgets SET reserved_micros = reserved_micros
          - (SELECT SUM(r.budget_micros) FROM reservations r WHERE r.budget_id = budgets.id)
          WHERE id IN (SELECT budget_id FROM reservations);
        DELETE FROM reservations;`);
    },
  };
}
