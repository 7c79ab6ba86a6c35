/**
 * Correctness under load: after the gateway has stopped (its log writer flushed), every successful
 * benchmarked request has exactly one billed log row, the wallet's debits equal the logs' costs, no
 * reservation is left open, and `assistiv ledger verify` passes with the gateway's own environment.
 */
import { sql } from 'kysely';
import { openStore } from '../src/store/database.js';
import { runCli } from './processes.js';

export type BillingCheck = {
  ok: boolean;
  /** 2xx answers the load generator received from the gateway (warm-ups included). */
  successfulRequests: number;
  logRows: number;
  billedSuccessRows: number;
  otherRows: number;
  walletDebitsMicros: number;
  loggedCostMicros: number;
  walletDebitRows: number;
  openReservations: number;
  ledgerVerify: { code: number; output: string };
  problems: string[];
};

export async function checkBilling(env: NodeJS.ProcessEnv, platformId: string, successfulRequests: number): Promise<BillingCheck> {
  const store = openStore({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.ASSISTIV_DATA_DIR ?? '' });
  try {
    const db = store.db;
    const logs = await db
      .selectFrom('request_logs')
      .select([
        sql<number>`count(*)`.as('rows'),
        sql<number>`sum(case when status = 'success' and billing_status = 'billed' then 1 else 0 end)`.as('billed_success'),
        sql<number>`coalesce(sum(case when billing_status = 'billed' then cost_micros else 0 end), 0)`.as('cost'),
      ])
      .where('platform_id', '=', platformId)
      .executeTakeFirstOrThrow();
    const debits = await db
      .selectFrom('wallet_transactions')
      .select([sql<number>`count(*)`.as('rows'), sql<number>`coalesce(-sum(amount_micros), 0)`.as('micros')])
      .where('platform_id', '=', platformId)
      .where('type', '=', 'llm_usage')
      .executeTakeFirstOrThrow();
    const open = await db
      .selectFrom('reservations')
      .select(sql<number>`count(*)`.as('n'))
      .where('platform_id', '=', platformId)
      .executeTakeFirstOrThrow();
    const n = (v: unknown) => Number(v ?? 0);
    const check: BillingCheck = {
      ok: false,
      successfulRequests,
      logRows: n(logs.rows),
      billedSuccessRows: n(logs.billed_success),
      otherRows: n(logs.rows) - n(logs.billed_success),
      walletDebitsMicros: n(debits.micros),
      loggedCostMicros: n(logs.cost),
      walletDebitRows: n(debits.rows),
      openReservations: n(open.n),
      ledgerVerify: await runCli(['ledger', 'verify'], env),
      problems: [],
    };
    const p = check.problems;
    if (check.billedSuccessRows !== successfulRequests)
      p.push(`${successfulRequests} successful requests but ${check.billedSuccessRows} billed success log rows`);
    if (check.otherRows !== 0) p.push(`${check.otherRows} log rows are not billed successes`);
    if (check.walletDebitRows !== check.billedSuccessRows)
      p.push(`${check.walletDebitRows} wallet debits for ${check.billedSuccessRows} billed requests`);
    if (check.walletDebitsMicros !== check.loggedCostMicros)
      p.push(`wallet debits ${check.walletDebitsMicros} µUSD != logged costs ${check.loggedCostMicros} µUSD`);
    if (check.openReservations !== 0) p.push(`${check.openReservations} reservations still open`);
    if (check.ledgerVerify.code !== 0) p.push('ledger verify failed');
    check.ok = p.length === 0;
    return check;
  } finally {
    await store.close();
  }
}
