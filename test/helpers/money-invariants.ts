/**
 * The money invariants every inference test can assert once its requests are done (spec §5c): nothing
 * held, one log row per admitted request, the wallet equal to its credits minus the logged costs, and a
 * clean `ledger verify`. Reads the database directly so a wrong view cannot hide a wrong row.
 */
import { expect } from 'vitest';
import { verifyLedger } from '../../src/billing/ledger-verify.js';
import type { AppContext } from '../../src/context.js';

export type MoneyState = {
  walletBalanceMicros: number;
  walletReservedMicros: number;
  budgetReservedMicros: number;
  /** top-ups + adjustments + refunds − Σ cost of billed log rows. */
  expectedBalanceMicros: number;
  ledgerDifferences: string[];
};

export async function moneyState(ctx: AppContext, platformId: string): Promise<MoneyState> {
  await ctx.requestLogs.flush();
  const db = ctx.store.db;
  const wallet = await db.selectFrom('wallets').selectAll().where('platform_id', '=', platformId).executeTakeFirstOrThrow();
  const budgets = await db
    .selectFrom('budgets')
    .innerJoin('end_users', 'end_users.id', 'budgets.end_user_id')
    .select(['budgets.id', 'budgets.reserved_micros'])
    .where('end_users.platform_id', '=', platformId)
    .execute();
  const credits = await db
    .selectFrom('wallet_transactions')
    .select((eb) => eb.fn.sum<number>('amount_micros').as('sum'))
    .where('platform_id', '=', platformId)
    .where('type', '!=', 'llm_usage')
    .executeTakeFirst();
  const logged = await db
    .selectFrom('request_logs')
    .select((eb) => eb.fn.sum<number>('cost_micros').as('sum'))
    .where('platform_id', '=', platformId)
    .where('billing_status', '=', 'billed')
    .executeTakeFirst();
  return {
    walletBalanceMicros: Number(wallet.balance_micros),
    walletReservedMicros: Number(wallet.reserved_micros) + ctx.billing.heldFor({ platformId }),
    budgetReservedMicros: budgets.reduce((sum, b) => sum + Number(b.reserved_micros) + ctx.billing.heldForBudget(b.id), 0),
    expectedBalanceMicros: Number(credits?.sum ?? 0) - Number(logged?.sum ?? 0),
    ledgerDifferences: (await verifyLedger(ctx.store)).differences,
  };
}

/** Nothing held, the wallet equals its credits minus what the logs billed, and the ledger verifies. */
export async function expectMoneySettled(ctx: AppContext, platformId: string): Promise<void> {
  const state = await moneyState(ctx, platformId);
  expect(state.walletReservedMicros, 'µUSD still held on the wallet').toBe(0);
  expect(state.budgetReservedMicros, 'µUSD still held on budgets').toBe(0);
  expect(state.walletBalanceMicros, 'wallet balance = credits − Σ billed log costs').toBe(state.expectedBalanceMicros);
  expect(state.ledgerDifferences).toEqual([]);
}

/** The log rows of one request (by the gateway's x-request-id). */
export async function logRowsOf(ctx: AppContext, requestId: string) {
  await ctx.requestLogs.flush();
  return ctx.store.db.selectFrom('request_logs').selectAll().where('request_id', '=', requestId).execute();
}
