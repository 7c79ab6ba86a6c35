/**
 * Budget movements are billing's, each one transaction on the locked budget row, on each database: a refused
 * movement leaves nothing behind (its period reset included), and movements racing at a period boundary
 * write one reset row, never overdraw, and keep the ledger balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { endUser, fundedPlatform, manualClock } from './fixtures.js';

describe.each(dialects)('budget movements (%s)', (dialect) => {
  let gw: TestGateway;
  let p: Awaited<ReturnType<typeof fundedPlatform>>;
  const clock = manualClock('2026-01-20T10:00:00.000Z');

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock });
    p = await fundedPlatform(gw, { walletUsd: 10 });
  });
  afterAll(() => gw?.close());

  const ledgerOf = (endUserId: string) =>
    gw.ctx.store.db
      .selectFrom('budget_transactions')
      .select(['type', 'amount_micros', 'used_after_micros'])
      .where('end_user_id', '=', endUserId)
      .orderBy('id')
      .execute();

  it('a refused debit and a refused PATCH leave the row and the ledger as they were, period reset included', async () => {
    clock.set('2026-01-20T10:00:00.000Z');
    const u = await endUser(p, 'refused', { max_usd: 5, period: 'monthly' });
    const path = `${p.base}/end-users/${u.endUserId}/budget`;
    expect((await p.api.post(`${path}/debit`, { amount: 4 })).status).toBe(201);
    clock.set('2026-02-02T10:00:00.000Z');
    const before = await gw.ctx.store.db.selectFrom('budgets').selectAll().where('end_user_id', '=', u.endUserId).executeTakeFirstOrThrow();

    const debit = await p.api.post(`${path}/debit`, { amount: 6 });
    expect(debit.status).toBe(402);
    expect(debit.body.error.message).toBe('The budget has 5.000000 USD remaining (after reservations): it cannot be debited 6.000000 USD.');
    const patch = await p.api.patch(path, { auto_replenish: true });
    expect(patch.status).toBe(400);
    expect(patch.body.error.param).toBe('replenish_amount');

    // Both answers were computed after the due reset (5 remaining), yet neither wrote it.
    const after = await gw.ctx.store.db.selectFrom('budgets').selectAll().where('end_user_id', '=', u.endUserId).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect((await ledgerOf(u.endUserId)).map((t) => t.type)).toEqual(['opening', 'debit']);

    // A read writes it.
    expect((await p.api.get(path)).body.data).toMatchObject({ used_usd: 0, remaining_usd: 5, period_start: '2026-02-01T00:00:00.000Z' });
    expect((await ledgerOf(u.endUserId)).map((t) => [t.type, t.amount_micros, t.used_after_micros])).toEqual([
      ['opening', 5_000_000, 0],
      ['debit', -4_000_000, 4_000_000],
      ['reset', 4_000_000, 0],
    ]);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('movements racing at a period boundary write one reset row and debit exactly what remains', async () => {
    clock.set('2026-01-20T10:00:00.000Z');
    const u = await endUser(p, 'racing', { max_usd: 10, period: 'daily' });
    const path = `${p.base}/end-users/${u.endUserId}/budget`;
    expect((await p.api.post(`${path}/debit`, { amount: 7 })).status).toBe(201);
    clock.set('2026-01-21T00:00:00.000Z');

    // 15 debits of 1 USD, 5 reads and 3 PATCHes at once, all first in the new day: each may be the one to reset.
    const calls = [
      ...Array.from({ length: 15 }, () => p.api.post(`${path}/debit`, { amount: 1 })),
      ...Array.from({ length: 5 }, () => p.api.get(path)),
      ...Array.from({ length: 3 }, () => p.api.patch(path, { low_balance_threshold: 1 })),
    ];
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.slice(0, 15).sort()).toEqual([...Array(10).fill(201), ...Array(5).fill(402)]);
    expect(statuses.slice(15)).toEqual(Array(8).fill(200));

    const rows = await ledgerOf(u.endUserId);
    expect(rows.filter((t) => t.type === 'reset').map((t) => [t.amount_micros, t.used_after_micros])).toEqual([[7_000_000, 0]]);
    expect(rows.filter((t) => t.type === 'debit')).toHaveLength(11);
    expect((await p.api.get(path)).body.data).toMatchObject({ used_usd: 10, remaining_usd: 0, period_start: '2026-01-21T00:00:00.000Z' });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });
});
