/**
 * The auditor (design §4, `assistiv ledger verify`): recomputes every wallet balance and every budget's
 * max/used from their append-only ledgers, checks that `reserved` equals the open reservations, that
 * every billed log row has exactly one usage debit of its cost (and every unbilled one none), and the other
 * way round, that every `llm_usage` wallet debit and budget `usage` row has its request's log row (both are
 * written in one transaction, so a crash keeps both or neither). Run it on a quiescent database: requests in
 * flight show up as differences (their holds, on PostgreSQL).
 */
import { sql } from 'kysely';
import type { Store } from '../store/database.js';

export type LedgerReport = {
  ok: boolean;
  /** One line per difference, naming the row. */
  differences: string[];
  checked: { wallets: number; budgets: number; logs: number; debits: number; openReservations: number };
};

/** Budget ledger types that move max_usd; the rest (debit, usage, reset) move used_usd; suspend/unsuspend move neither. */
const MAX_TYPES = sql`('opening', 'top_up', 'replenish', 'adjustment')`;
const USED_TYPES = sql`('debit', 'usage', 'reset')`;
const LOG_PAGE = 5000;

const n = (v: unknown) => Number(v ?? 0);

export async function verifyLedger(store: Store): Promise<LedgerReport> {
  const db = store.db;
  const differences: string[] = [];

  const wallets = (
    await sql<{ id: string; platform_id: string; balance_micros: number; reserved_micros: number; ledger: unknown; held: unknown }>`
      SELECT w.id, w.platform_id, w.balance_micros, w.reserved_micros,
        (SELECT SUM(t.amount_micros) FROM wallet_transactions t WHERE t.wallet_id = w.id) AS ledger,
        (SELECT SUM(r.wallet_micros) FROM reservations r WHERE r.platform_id = w.platform_id) AS held
      FROM wallets w`.execute(db)
  ).rows;
  for (const w of wallets) {
    const name = `wallet ${w.id} (platform ${w.platform_id})`;
    if (n(w.balance_micros) !== n(w.ledger))
      differences.push(`${name}: balance ${w.balance_micros} µUSD but its transactions sum to ${n(w.ledger)}`);
    if (n(w.reserved_micros) !== n(w.held))
      differences.push(`${name}: reserved ${w.reserved_micros} µUSD but open reservations hold ${n(w.held)}`);
    if (n(w.balance_micros) < 0) differences.push(`${name}: negative balance ${w.balance_micros} µUSD`);
    if (n(w.balance_micros) < n(w.reserved_micros))
      differences.push(`${name}: reserved ${w.reserved_micros} µUSD exceeds the balance ${w.balance_micros}`);
  }

  const budgets = (
    await sql<{
      id: string;
      end_user_id: string;
      max_micros: number;
      used_micros: number;
      reserved_micros: number;
      max_ledger: unknown;
      used_ledger: unknown;
      held: unknown;
    }>`
      SELECT b.id, b.end_user_id, b.max_micros, b.used_micros, b.reserved_micros,
        (SELECT SUM(t.amount_micros) FROM budget_transactions t WHERE t.budget_id = b.id AND t.type IN ${MAX_TYPES}) AS max_ledger,
        (SELECT -SUM(t.amount_micros) FROM budget_transactions t WHERE t.budget_id = b.id AND t.type IN ${USED_TYPES}) AS used_ledger,
        (SELECT SUM(r.budget_micros) FROM reservations r WHERE r.budget_id = b.id) AS held
      FROM budgets b`.execute(db)
  ).rows;
  for (const b of budgets) {
    const name = `budget ${b.id} (end user ${b.end_user_id})`;
    if (n(b.max_micros) !== n(b.max_ledger)) differences.push(`${name}: max ${b.max_micros} µUSD but its ledger gives ${n(b.max_ledger)}`);
    if (n(b.used_micros) !== n(b.used_ledger))
      differences.push(`${name}: used ${b.used_micros} µUSD but its ledger gives ${n(b.used_ledger)}`);
    if (n(b.reserved_micros) !== n(b.held))
      differences.push(`${name}: reserved ${b.reserved_micros} µUSD but open reservations hold ${n(b.held)}`);
    if (n(b.used_micros) < 0 || n(b.max_micros) - n(b.used_micros) < 0)
      differences.push(`${name}: negative remaining (max ${b.max_micros}, used ${b.used_micros})`);
  }

  const orphans = await db
    .selectFrom('reservations as r')
    .leftJoin('wallets as w', 'w.platform_id', 'r.platform_id')
    .select('r.request_id')
    .where('w.id', 'is', null)
    .execute();
  for (const o of orphans) differences.push(`reservation ${o.request_id}: its platform has no wallet`);
  const { open } = await db
    .selectFrom('reservations')
    .select((eb) => eb.fn.countAll<number>().as('open'))
    .executeTakeFirstOrThrow();

  let logs = 0;
  let after = '';
  for (;;) {
    const page = (
      await sql<{
        id: string;
        request_id: string;
        billing_status: string;
        cost_micros: number;
        end_user_cost_micros: number;
        created_at: string;
        wallet_rows: unknown;
        wallet_debit: unknown;
        budget_rows: unknown;
        budget_debit: unknown;
        budget_since: string | null;
      }>`
        SELECT l.id, l.request_id, l.billing_status, l.cost_micros, l.end_user_cost_micros, l.created_at,
          (SELECT COUNT(*) FROM wallet_transactions t WHERE t.request_id = l.request_id AND t.type = 'llm_usage') AS wallet_rows,
          (SELECT -SUM(t.amount_micros) FROM wallet_transactions t WHERE t.request_id = l.request_id AND t.type = 'llm_usage') AS wallet_debit,
          (SELECT COUNT(*) FROM budget_transactions t WHERE t.request_id = l.request_id AND t.type = 'usage') AS budget_rows,
          (SELECT -SUM(t.amount_micros) FROM budget_transactions t WHERE t.request_id = l.request_id AND t.type = 'usage') AS budget_debit,
          (SELECT b.created_at FROM budgets b WHERE b.end_user_id = l.end_user_id AND b.is_active = 1) AS budget_since
        FROM request_logs l WHERE l.id > ${after} ORDER BY l.id LIMIT ${LOG_PAGE}`.execute(db)
    ).rows;
    for (const l of page) {
      const name = `request ${l.request_id}`;
      if (l.billing_status === 'billed') {
        if (n(l.wallet_rows) !== 1)
          differences.push(`${name}: billed, but has ${n(l.wallet_rows)} llm_usage wallet debits (expected exactly 1)`);
        else if (n(l.wallet_debit) !== n(l.cost_micros))
          differences.push(`${name}: log cost ${l.cost_micros} µUSD but the wallet debit is ${n(l.wallet_debit)}`);
        if (n(l.budget_rows) > 1) differences.push(`${name}: ${n(l.budget_rows)} budget usage rows (expected at most 1)`);
        else if (n(l.budget_rows) === 1 && n(l.budget_debit) !== n(l.end_user_cost_micros)) {
          differences.push(`${name}: log end-user cost ${l.end_user_cost_micros} µUSD but the budget usage is ${n(l.budget_debit)}`);
        } else if (n(l.budget_rows) === 0 && l.budget_since !== null && l.budget_since <= l.created_at) {
          differences.push(`${name}: billed to an end user with a budget, but there is no budget usage row`);
        }
      } else if (n(l.wallet_rows) > 0 || n(l.budget_rows) > 0) {
        differences.push(`${name}: not billed, but has ${n(l.wallet_rows)} wallet and ${n(l.budget_rows)} budget usage rows`);
      }
    }
    logs += page.length;
    if (page.length < LOG_PAGE) break;
    after = page[page.length - 1].id;
  }

  const debits = await usageWithoutLog(store, differences);
  return {
    ok: differences.length === 0,
    differences,
    checked: { wallets: wallets.length, budgets: budgets.length, logs, debits, openReservations: n(open) },
  };
}

/**
 * Names every usage debit (wallet or budget) whose request has no log row; returns how many wallet debits exist.
 * Debits up to the retention job's watermark may have lost their log row to request-log retention (src/retention).
 */
async function usageWithoutLog(store: Store, differences: string[]): Promise<number> {
  const db = store.db;
  const pruned = await db
    .selectFrom('gateway_settings')
    .select('value')
    .where('name', '=', 'request_logs_pruned_through')
    .executeTakeFirst();
  const after = pruned?.value ?? '';
  const { debits } = await db
    .selectFrom('wallet_transactions')
    .select((eb) => eb.fn.countAll<number>().as('debits'))
    .where('type', '=', 'llm_usage')
    .executeTakeFirstOrThrow();
  const unlogged = (
    await sql<{ kind: string; id: string; request_id: string | null; owner: string; amount_micros: number }>`
      SELECT 'wallet' AS kind, t.id, t.request_id, t.platform_id AS owner, -t.amount_micros AS amount_micros
        FROM wallet_transactions t
       WHERE t.type = 'llm_usage' AND t.created_at > ${after} AND NOT EXISTS (SELECT 1 FROM request_logs l WHERE l.request_id = t.request_id)
      UNION ALL
      SELECT 'budget' AS kind, t.id, t.request_id, t.budget_id AS owner, -t.amount_micros AS amount_micros
        FROM budget_transactions t
       WHERE t.type = 'usage' AND t.created_at > ${after} AND NOT EXISTS (SELECT 1 FROM request_logs l WHERE l.request_id = t.request_id)
      ORDER BY kind DESC, id`.execute(db)
  ).rows;
  for (const t of unlogged) {
    const what =
      t.kind === 'wallet' ? `llm_usage wallet debit ${t.id} (platform ${t.owner})` : `budget usage row ${t.id} (budget ${t.owner})`;
    differences.push(`request ${t.request_id ?? '(none)'}: ${what} of ${n(t.amount_micros)} µUSD has no request log row`);
  }
  return n(debits);
}
