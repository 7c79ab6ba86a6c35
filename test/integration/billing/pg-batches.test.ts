/**
 * The PostgreSQL engine sends every operation queued on one wallet as ONE `assistiv_billing` call. These tests
 * put every rare path into a single call and check each operation's own answer, the balances after, and the
 * ledger rows written: a period reset (kept even when the wallet then refuses), an auto-replenish (not written
 * when the wallet refuses), suspended, exhausted, a wallet short (undoing the budget hold), a duplicate request
 * id; then settle, release and a repeat settle of one request, an overrun capped on budget and wallet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settled } from '../../../src/billing/engine-types.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { balances, endUser, fundedPlatform, manualClock, recordBillingCalls, reserveRequest, writeLog } from './fixtures.js';

// 100 prompt tokens at $2.50/M + 1000 output tokens at $10/M; the budget hold adds the 10% markup.
const WORST = 250 + 10_000;
const WORST_MARKED_UP = 11_275;
// maxOutputTokens 100_000: a worst case of 1_000_250 µUSD, more than any wallet here holds.
const BIG = { maxOutputTokens: 100_000 };
const MARKUP = 10;

describe.skipIf(!postgresUrl)('PostgreSQL billing: rare paths inside one batch', () => {
  let gw: TestGateway;
  const clock = manualClock();
  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'postgres', clock });
  });
  afterAll(() => gw?.close());

  const budgetOf = async (endUserId: string) =>
    gw.ctx.store.db.selectFrom('budgets').selectAll().where('end_user_id', '=', endUserId).executeTakeFirstOrThrow();

  /** Runs the calls in one turn (the engine queues them together) and records the assistiv_billing calls they made. */
  const inOneTurn = async <T>(start: () => Array<Promise<T>>) => {
    const recorder = recordBillingCalls(gw);
    try {
      const results = await Promise.allSettled(start());
      return { results, calls: recorder.calls };
    } finally {
      recorder.stop();
    }
  };

  it('answers twelve reserves in one call, each by its own rule: reset, replenish, suspended, exhausted, wallet short, duplicate', async () => {
    clock.set('2026-03-15T23:59:00.000Z');
    const p = await fundedPlatform(gw, { walletUsd: 0.1, markup: MARKUP });
    const dailyA = await endUser(p, 'daily-a', { max_usd: 0.03, period: 'daily' });
    const dailyB = await endUser(p, 'daily-b', { max_usd: 2, period: 'daily' });
    const dailyC = await endUser(p, 'daily-c', { max_usd: 0.03, period: 'daily' });
    const rep = await endUser(p, 'rep', { max_usd: 0.001, auto_replenish: true, replenish_amount: 0.02 });
    const repShort = await endUser(p, 'rep-short', { max_usd: 0.001, auto_replenish: true, replenish_amount: 2 });
    const susp = await endUser(p, 'susp', { max_usd: 1 });
    expect((await p.api.patch(`${p.base}/end-users/${susp.endUserId}/budget`, { is_suspended: true })).status).toBe(200);
    const small = await endUser(p, 'small', { max_usd: 0.005 });
    const rich = await endUser(p, 'rich', { max_usd: 10 });

    // Day 1: the three daily budgets use 11_000 µUSD each (10_000 + 10%), the wallet pays 30_000.
    for (const u of [dailyA, dailyB, dailyC]) {
      const req = reserveRequest(p.platformId, u.endUserId);
      const res = await gw.ctx.billing.reserve(req);
      if (!res.ok) throw new Error(res.message);
      await writeLog(gw, req, await gw.ctx.billing.settle(res.reservation, { costMicros: 10_000, description: 'day 1' }));
    }
    expect(await budgetOf(dailyA.endUserId)).toMatchObject({ used_micros: 11_000, period_start: '2026-03-15T00:00:00.000Z' });

    clock.set('2026-03-16T00:00:01.000Z');
    const r = (endUserId: string | null, over = {}) => reserveRequest(p.platformId, endUserId, { markupPercentage: MARKUP, ...over });
    const dup = r(null);
    const reqs = [
      r(dailyA.endUserId), // 0 stale period: reset, then held
      r(dailyA.endUserId), // 1 same budget, now current: the usual path
      r(rep.endUserId), // 2 1_000 left < 11_275: one replenish of 20_000 covers it
      r(susp.endUserId), // 3
      r(small.endUserId), // 4 5_000 left
      r(null, BIG), // 5 platform key: wallet only
      r(rich.endUserId, BIG), // 6 budget holds it, the wallet cannot: the budget hold is undone
      r(repShort.endUserId, BIG), // 7 replenish would cover it, the wallet cannot: no replenish
      r(dailyB.endUserId, BIG), // 8 stale period reset, then the wallet cannot: the reset stays
      r(dailyC.endUserId, BIG), // 9 stale period reset, then the budget cannot: the reset stays
      dup, // 10
      dup, // 11 the same request id again
    ];
    const { results, calls } = await inOneTurn(() => reqs.map((q) => gw.ctx.billing.reserve(q)));
    expect(calls).toEqual([{ kinds: Array(12).fill('r') }]);

    const answers = results.map((x) =>
      x.status === 'rejected' ? `threw: ${(x.reason as Error).message}` : x.value.ok ? 'ok' : x.value.code,
    );
    expect(answers).toEqual([
      'ok',
      'ok',
      'ok',
      'budget_suspended',
      'budget_exhausted',
      'wallet_insufficient',
      'wallet_insufficient',
      'wallet_insufficient',
      'wallet_insufficient',
      'budget_exhausted',
      'ok',
      `threw: request ${dup.requestId} already holds a reservation`,
    ]);
    // The refusals carry what fell short: 5_000 left on the budget (30_000 after a reset); 70_000 − three holds of 10_250 on the wallet.
    const message = (i: number) => {
      const x = results[i];
      return x.status === 'fulfilled' && !x.value.ok ? x.value.message : '';
    };
    expect(message(4)).toContain('$0.005000 remaining');
    expect(message(9)).toContain('$0.030000 remaining');
    for (const i of [5, 6, 7, 8]) expect(message(i)).toContain(`$0.039250 available, and the worst case is $1.000250`);
    const held = results.flatMap((x) => (x.status === 'fulfilled' && x.value.ok ? [x.value.reservation] : []));
    expect(held.map((h) => [h.requestId, h.walletMicros, h.budgetMicros])).toEqual([
      [reqs[0].requestId, WORST, WORST_MARKED_UP],
      [reqs[1].requestId, WORST, WORST_MARKED_UP],
      [reqs[2].requestId, WORST, WORST_MARKED_UP],
      [dup.requestId, WORST, 0],
    ]);

    const w = await balances(gw, p.platformId);
    expect(w.wallet).toMatchObject({ balance_micros: 70_000, reserved_micros: 4 * WORST });
    const newDay = '2026-03-16T00:00:00.000Z';
    expect(await budgetOf(dailyA.endUserId)).toMatchObject({
      max_micros: 30_000,
      used_micros: 0,
      reserved_micros: 2 * WORST_MARKED_UP,
      period_start: newDay,
    });
    expect(await budgetOf(dailyB.endUserId)).toMatchObject({
      max_micros: 2_000_000,
      used_micros: 0,
      reserved_micros: 0,
      period_start: newDay,
    });
    expect(await budgetOf(dailyC.endUserId)).toMatchObject({
      max_micros: 30_000,
      used_micros: 0,
      reserved_micros: 0,
      period_start: newDay,
    });
    expect(await budgetOf(rep.endUserId)).toMatchObject({ max_micros: 21_000, used_micros: 0, reserved_micros: WORST_MARKED_UP });
    expect(await budgetOf(repShort.endUserId)).toMatchObject({ max_micros: 1_000, used_micros: 0, reserved_micros: 0 });
    expect(await budgetOf(rich.endUserId)).toMatchObject({ max_micros: 10_000_000, used_micros: 0, reserved_micros: 0 });
    expect(await budgetOf(susp.endUserId)).toMatchObject({ reserved_micros: 0, is_suspended: 1 });
    expect(await budgetOf(small.endUserId)).toMatchObject({ max_micros: 5_000, reserved_micros: 0 });

    const written = await gw.ctx.store.db
      .selectFrom('budget_transactions')
      .select(['end_user_id', 'type', 'amount_micros', 'max_after_micros', 'used_after_micros', 'reason', 'request_id', 'created_at'])
      .where('platform_id', '=', p.platformId)
      .where('created_at', '>=', '2026-03-16T00:00:00.000Z')
      .orderBy('end_user_id')
      .orderBy('type')
      .execute();
    const row = (endUserId: string, type: string, amount: number, maxAfter: number, reason: string) => ({
      end_user_id: endUserId,
      type,
      amount_micros: amount,
      max_after_micros: maxAfter,
      used_after_micros: 0,
      reason,
      request_id: null,
      created_at: '2026-03-16T00:00:01.000Z',
    });
    const expected = [
      row(dailyA.endUserId, 'reset', 11_000, 30_000, 'Period reset'),
      row(dailyB.endUserId, 'reset', 11_000, 2_000_000, 'Period reset'),
      row(dailyC.endUserId, 'reset', 11_000, 30_000, 'Period reset'),
      row(rep.endUserId, 'replenish', 20_000, 21_000, 'Auto-replenish'),
    ].sort((x, y) => x.end_user_id.localeCompare(y.end_user_id));
    expect(written).toEqual(expected);
    expect(
      await gw.ctx.store.db.selectFrom('reservations').select('request_id').where('platform_id', '=', p.platformId).execute(),
    ).toHaveLength(4);

    // Releasing the four holds (one call again) leaves nothing reserved and a ledger that verifies.
    const released = await inOneTurn(() => held.map((h) => gw.ctx.billing.release(h)));
    expect(released.calls).toEqual([{ kinds: ['x', 'x', 'x', 'x'] }]);
    for (const q of reqs.slice(0, 11)) await writeLog(gw, q, null);
    expect((await balances(gw, p.platformId)).wallet).toMatchObject({ balance_micros: 70_000, reserved_micros: 0 });
    expect(await budgetOf(dailyA.endUserId)).toMatchObject({ used_micros: 0, reserved_micros: 0 });
    expect(await budgetOf(rep.endUserId)).toMatchObject({ max_micros: 21_000, reserved_micros: 0 });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('settles, releases and re-settles one request in one call: one llm_usage and one usage row, then already_settled', async () => {
    clock.set('2026-03-16T12:00:00.000Z');
    const p = await fundedPlatform(gw, { walletUsd: 0.1, markup: MARKUP });
    const alice = await endUser(p, 'alice', { max_usd: 0.03 });
    const carol = await endUser(p, 'carol', { max_usd: 0.02 });
    const r = (endUserId: string | null) => reserveRequest(p.platformId, endUserId, { markupPercentage: MARKUP });
    const [a, b, c, d] = [r(alice.endUserId), r(alice.endUserId), r(carol.endUserId), r(null)];
    const reserved = await inOneTurn(() => [a, b, c, d].map((q) => gw.ctx.billing.reserve(q)));
    expect(reserved.calls).toEqual([{ kinds: ['r', 'r', 'r', 'r'] }]);
    const [ra, rb, rc, rd] = reserved.results.map((x) => {
      if (x.status !== 'fulfilled' || !x.value.ok) throw new Error(`reserve failed: ${JSON.stringify(x)}`);
      return x.value.reservation;
    });
    expect((await balances(gw, p.platformId)).wallet).toMatchObject({ balance_micros: 100_000, reserved_micros: 4 * WORST });

    const release = (h: typeof ra) => gw.ctx.billing.release(h).then(() => undefined);
    const { results, calls } = await inOneTurn<Settled | undefined>(() => [
      gw.ctx.billing.settle(ra, { costMicros: 1_000, description: 'a' }),
      release(ra), // after its settle: nothing to release
      gw.ctx.billing.settle(ra, { costMicros: 9_999, description: 'a again' }),
      release(rb),
      gw.ctx.billing.settle(rb, { costMicros: 2_000, description: 'b after release' }),
      gw.ctx.billing.settle(rc, { costMicros: 500_000, description: 'overrun' }),
      gw.ctx.billing.settle(rd, { costMicros: 3_000, description: 'platform key' }),
    ]);
    expect(calls).toEqual([{ kinds: ['s', 'x', 's', 'x', 's', 's', 's'] }]);
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : `threw: ${(x.reason as Error).message}`))).toEqual([
      { walletMicros: 1_000, endUserMicros: 1_100, status: 'settled' },
      undefined,
      { walletMicros: 1_000, endUserMicros: 1_100, status: 'already_settled' },
      undefined,
      { walletMicros: 0, endUserMicros: 0, status: 'expired' },
      // Carol's budget had 20_000 left of the 550_000 marked-up cost; the wallet 99_000 − 20_500 still held + her 10_250.
      { walletMicros: 88_750, endUserMicros: 20_000, status: 'settled', cappedFromMicros: 500_000 },
      { walletMicros: 3_000, endUserMicros: 3_300, status: 'settled' },
    ]);

    const db = gw.ctx.store.db;
    const walletRows = await db
      .selectFrom('wallet_transactions')
      .select(['request_id', 'type', 'amount_micros', 'balance_after_micros', 'description', 'end_user_id'])
      .where('platform_id', '=', p.platformId)
      .where('type', '=', 'llm_usage')
      .orderBy('balance_after_micros', 'desc')
      .execute();
    expect(walletRows).toEqual([
      {
        request_id: a.requestId,
        type: 'llm_usage',
        amount_micros: -1_000,
        balance_after_micros: 99_000,
        description: 'a',
        end_user_id: alice.endUserId,
      },
      {
        request_id: c.requestId,
        type: 'llm_usage',
        amount_micros: -88_750,
        balance_after_micros: 10_250,
        description: 'overrun (capped: the cost of 500000 µUSD exceeded the available balance)',
        end_user_id: carol.endUserId,
      },
      {
        request_id: d.requestId,
        type: 'llm_usage',
        amount_micros: -3_000,
        balance_after_micros: 7_250,
        description: 'platform key',
        end_user_id: null,
      },
    ]);
    const usageRows = await db
      .selectFrom('budget_transactions')
      .select(['request_id', 'end_user_id', 'amount_micros', 'max_after_micros', 'used_after_micros', 'reason', 'metadata'])
      .where('platform_id', '=', p.platformId)
      .where('type', '=', 'usage')
      .orderBy('amount_micros', 'desc')
      .execute();
    expect(usageRows).toEqual([
      {
        request_id: a.requestId,
        end_user_id: alice.endUserId,
        amount_micros: -1_100,
        max_after_micros: 30_000,
        used_after_micros: 1_100,
        reason: 'a',
        metadata: '{}',
      },
      {
        request_id: c.requestId,
        end_user_id: carol.endUserId,
        amount_micros: -20_000,
        max_after_micros: 20_000,
        used_after_micros: 20_000,
        reason: 'overrun',
        metadata: '{"capped_from_micros":550000}',
      },
    ]);

    const after = await balances(gw, p.platformId, alice.endUserId);
    expect(after.wallet).toMatchObject({ balance_micros: 7_250, reserved_micros: 0 });
    expect(after.budget).toMatchObject({ max_micros: 30_000, used_micros: 1_100, reserved_micros: 0 });
    expect(await budgetOf(carol.endUserId)).toMatchObject({ max_micros: 20_000, used_micros: 20_000, reserved_micros: 0 });
    expect(await db.selectFrom('reservations').select('request_id').where('platform_id', '=', p.platformId).execute()).toEqual([]);

    const settledOf = (i: number) => {
      const x = results[i];
      return x.status === 'fulfilled' && x.value ? x.value : null;
    };
    await writeLog(gw, a, settledOf(0));
    await writeLog(gw, b, null);
    await writeLog(gw, c, settledOf(5));
    await writeLog(gw, d, settledOf(6));
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });
});
