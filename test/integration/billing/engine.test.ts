/** The billing engine on each database: holds, posts, voids, exactly-once, 402 order, markup, periods. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { itOnlyOn } from '../../helpers/only-on.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { balances, endUser, fundedPlatform, manualClock, reserveRequest, writeLog } from './fixtures.js';

// 100 prompt tokens at $2.50/M + 1000 output tokens at $10/M.
const WORST = 250 + 10_000;

describe.each(dialects)('billing engine (%s)', (dialect) => {
  let gw: TestGateway;
  const clock = manualClock();

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock });
  });
  afterAll(() => gw?.close());

  const expectCleanLedger = async () => {
    const report = await verifyLedger(gw.ctx.store);
    expect(report.differences).toEqual([]);
  };

  it('holds the worst case on wallet and budget (with markup), then posts the actual cost exactly once', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1, markup: 20 });
    const u = await endUser(p, 'alice', { max_usd: 1 });
    const req = reserveRequest(p.platformId, u.endUserId);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    expect(res.reservation).toMatchObject({ walletMicros: WORST, budgetMicros: 12_300, markupPercentage: 20 });
    let b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: WORST });
    expect(b.budget).toMatchObject({ used_micros: 0, reserved_micros: 12_300 });

    const settled = await gw.ctx.billing.settle(res.reservation, { costMicros: 1_001, description: 'chat.completion gpt-4o' });
    expect(settled).toEqual({ walletMicros: 1_001, endUserMicros: 1_201, status: 'settled' });
    b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 998_999, reserved_micros: 0 });
    expect(b.budget).toMatchObject({ used_micros: 1_201, reserved_micros: 0 });

    const again = await gw.ctx.billing.settle(res.reservation, { costMicros: 5_000, description: 'retry' });
    expect(again).toEqual({ walletMicros: 1_001, endUserMicros: 1_201, status: 'already_settled' });
    await gw.ctx.billing.release(res.reservation);
    const rows = await gw.ctx.store.db.selectFrom('wallet_transactions').selectAll().where('request_id', '=', req.requestId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'llm_usage', amount_micros: -1_001, balance_after_micros: 998_999, end_user_id: u.endUserId });
    const usage = await gw.ctx.store.db.selectFrom('budget_transactions').selectAll().where('request_id', '=', req.requestId).execute();
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ type: 'usage', amount_micros: -1_201, max_after_micros: 1_000_000, used_after_micros: 1_201 });
    await writeLog(gw, req, settled);
    await expectCleanLedger();
  });

  it('release voids the hold and bills nothing; a settle after it bills nothing either', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'bob', { max_usd: 1 });
    const req = reserveRequest(p.platformId, u.endUserId);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    await gw.ctx.billing.release(res.reservation);
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: 0 });
    expect(b.budget).toMatchObject({ used_micros: 0, reserved_micros: 0 });
    expect(await gw.ctx.billing.settle(res.reservation, { costMicros: 10, description: 'late' })).toEqual({
      walletMicros: 0,
      endUserMicros: 0,
      status: 'expired',
    });
    await writeLog(gw, req, null);
    await expectCleanLedger();
  });

  it('answers 402s in the spec order, and says how many output tokens fit', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 0.01 });
    const u = await endUser(p, 'carol', { max_usd: 0.005 });
    const exhausted = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    expect(exhausted).toMatchObject({ ok: false, code: 'budget_exhausted' });
    // $0.005 − 250 µUSD of prompt = 4,750 µUSD = 475 output tokens at $10/M.
    expect(!exhausted.ok && exhausted.message).toContain('about 475 output tokens');

    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { is_suspended: true });
    expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({ ok: false, code: 'budget_suspended' });
    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { is_suspended: false, max_usd: 1 });

    const wallet = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId, { maxOutputTokens: 2000 }));
    expect(wallet).toMatchObject({ ok: false, code: 'wallet_insufficient' });
    expect(!wallet.ok && wallet.message).toContain('about 975 output tokens');
    const prompt = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId, { promptTokens: 10_000_000 }));
    expect(!prompt.ok && prompt.message).toContain('does not cover the prompt');
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet.reserved_micros).toBe(0);
    expect(b.budget?.reserved_micros).toBe(0);
    await expectCleanLedger();
  });

  it('platform-key calls and end users without a budget use the wallet only', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1, markup: 50 });
    const u = await endUser(p, 'dave');
    for (const endUserId of [null, u.endUserId]) {
      const req = reserveRequest(p.platformId, endUserId);
      const res = await gw.ctx.billing.reserve(req);
      if (!res.ok) throw new Error(res.message);
      expect(res.reservation).toMatchObject({ budgetId: null, budgetMicros: 0, walletMicros: WORST });
      const settled = await gw.ctx.billing.settle(res.reservation, { costMicros: 1_000, description: 'x' });
      expect(settled).toMatchObject({ walletMicros: 1_000, endUserMicros: 1_500 });
      await writeLog(gw, req, settled);
    }
    expect((await balances(gw, p.platformId)).wallet.balance_micros).toBe(998_000);
    await expectCleanLedger();
  });

  it('caps a provider overrun at what is available: no balance goes negative', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 0.011 });
    const u = await endUser(p, 'erin', { max_usd: 0.0105 });
    const req = reserveRequest(p.platformId, u.endUserId);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    const settled = await gw.ctx.billing.settle(res.reservation, { costMicros: 50_000, description: 'overrun' });
    expect(settled).toEqual({ walletMicros: 11_000, endUserMicros: 10_500, status: 'settled', cappedFromMicros: 50_000 });
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 0, reserved_micros: 0 });
    expect(b.budget).toMatchObject({ used_micros: 10_500, max_micros: 10_500 });
    await writeLog(gw, req, settled);
    await expectCleanLedger();
  });

  it('resets a daily budget lazily at the UTC boundary, keeping in-flight holds', async () => {
    clock.set('2026-03-15T23:59:00.000Z');
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'frank', { max_usd: 0.03, period: 'daily' });
    const firstReq = reserveRequest(p.platformId, u.endUserId);
    const first = await gw.ctx.billing.reserve(firstReq);
    const held = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    if (!first.ok || !held.ok) throw new Error('reserve refused');
    await writeLog(gw, firstReq, await gw.ctx.billing.settle(first.reservation, { costMicros: 10_000, description: 'day 1' }));
    expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({ ok: false, code: 'budget_exhausted' });

    clock.set('2026-03-16T00:00:01.000Z');
    const next = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    expect(next.ok).toBe(true);
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.budget).toMatchObject({ used_micros: 0, reserved_micros: 2 * WORST, period_start: '2026-03-16T00:00:00.000Z' });
    const reset = await gw.ctx.store.db
      .selectFrom('budget_transactions')
      .selectAll()
      .where('budget_id', '=', b.budget!.id)
      .where('type', '=', 'reset')
      .execute();
    expect(reset).toEqual([expect.objectContaining({ amount_micros: 10_000, used_after_micros: 0, max_after_micros: 30_000 })]);
    if (next.ok) await gw.ctx.billing.release(next.reservation);
    await gw.ctx.billing.release(held.reservation);
    clock.set('2026-03-15T12:00:00.000Z');
    await expectCleanLedger();
  });

  it('auto-replenishes an exhausted budget once, when one replenish_amount covers the request', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'grace', { max_usd: 0.001, auto_replenish: true, replenish_amount: 0.02 });
    const res = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    expect(res.ok).toBe(true);
    expect((await balances(gw, p.platformId, u.endUserId)).budget).toMatchObject({ max_micros: 21_000, reserved_micros: WORST });
    const tooBig = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId, { maxOutputTokens: 100_000 }));
    expect(tooBig).toMatchObject({ ok: false, code: 'budget_exhausted' });
    expect((await balances(gw, p.platformId, u.endUserId)).budget?.max_micros).toBe(21_000);
    if (res.ok) await gw.ctx.billing.release(res.reservation);
    await expectCleanLedger();
  });

  // On PostgreSQL a failed settle leaves its reservation for the sweeper.
  itOnlyOn(dialect, 'sqlite')('SQLite: a settle that fails rolls back alone: the others in its batch post, its hold is void', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'ivan', { max_usd: 1 });
    const first = reserveRequest(p.platformId, u.endUserId);
    const done = await gw.ctx.billing.reserve(first);
    if (!done.ok) throw new Error(done.message);
    const settled = await gw.ctx.billing.settle(done.reservation, { costMicros: 100, description: 'first' });
    await writeLog(gw, first, settled);
    // The same request id reserved again: its second usage debit breaks the database's exactly-once index.
    const dup = await gw.ctx.billing.reserve(first);
    const other = reserveRequest(p.platformId, u.endUserId);
    const ok = await gw.ctx.billing.reserve(other);
    if (!dup.ok || !ok.ok) throw new Error('reserve refused');
    const [bad, good] = await Promise.allSettled([
      gw.ctx.billing.settle(dup.reservation, { costMicros: 100, description: 'again' }),
      gw.ctx.billing.settle(ok.reservation, { costMicros: 200, description: 'other' }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: { walletMicros: 200, status: 'settled' } });
    if (good.status === 'fulfilled') await writeLog(gw, other, good.value);
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 1_000_000 - 300, reserved_micros: 0 });
    expect(b.budget).toMatchObject({ used_micros: 300, reserved_micros: 0 });
    await expectCleanLedger();
  });

  itOnlyOn(dialect, 'sqlite')(
    'SQLite: holds stay in memory (no reservation row, no reserved column) and count in the next check',
    async () => {
      const p = await fundedPlatform(gw, { walletUsd: 0.025 });
      const u = await endUser(p, 'judy', { max_usd: 1 });
      const a = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
      const b = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
      if (!a.ok || !b.ok) throw new Error('reserve refused');
      const third = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
      // $0.025 − 2 × 10,250 µUSD held = 4,500 µUSD available.
      expect(third).toMatchObject({ ok: false, code: 'wallet_insufficient' });
      expect(!third.ok && third.message).toContain('$0.004500 available');
      const rows = await balances(gw, p.platformId, u.endUserId);
      expect(rows.dbReserved).toEqual({ wallet: 0, budget: 0 });
      expect(rows.wallet.reserved_micros).toBe(2 * WORST);
      expect(await gw.ctx.store.db.selectFrom('reservations').selectAll().where('platform_id', '=', p.platformId).execute()).toEqual([]);
      await gw.ctx.billing.release(a.reservation);
      await gw.ctx.billing.release(b.reservation);
      expect(gw.ctx.billing.heldFor({ platformId: p.platformId })).toBe(0);
      await expectCleanLedger();
    },
  );

  it('ignores an inactive budget, and refuses a second reservation for one request id', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'heidi', { max_usd: 0.000001 });
    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { is_active: false });
    const req = reserveRequest(p.platformId, u.endUserId);
    const res = await gw.ctx.billing.reserve(req);
    expect(res).toMatchObject({ ok: true, reservation: { budgetId: null } });
    await expect(gw.ctx.billing.reserve(req)).rejects.toThrow(/already holds a reservation/);
    if (res.ok) await gw.ctx.billing.release(res.reservation);
    await expectCleanLedger();
  });
});
