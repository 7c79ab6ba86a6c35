/** The budget API (spec §3, §4) over real HTTP on each database: values, ledger rows, periods, bad input, idempotency, tenancy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { client } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { endUser, fundedPlatform, manualClock, reserveRequest } from './fixtures.js';

describe.each(dialects)('budgets API (%s)', (dialect) => {
  let gw: TestGateway;
  let p: Awaited<ReturnType<typeof fundedPlatform>>;
  const clock = manualClock('2026-01-31T22:00:00.000Z');

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock });
    p = await fundedPlatform(gw, { walletUsd: 10 });
  });
  afterAll(() => gw?.close());

  it('creates, reads, tops up, debits and lists a budget with the balances after each row', async () => {
    const u = await endUser(p, 'budget-user');
    const path = `${p.base}/end-users/${u.endUserId}/budget`;
    expect((await client(gw.url, u.key).get('/v1/me/budget')).status).toBe(404);

    const created = await p.api.post(path, { max_usd: 5, period: 'monthly', low_balance_threshold: 1 });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(String),
      platform_id: p.platformId,
      end_user_id: u.endUserId,
      max_usd: 5,
      used_usd: 0,
      reserved_usd: 0,
      remaining_usd: 5,
      period: 'monthly',
      period_start: '2026-01-01T00:00:00.000Z',
      auto_replenish: false,
      replenish_amount: null,
      low_balance_threshold: 1,
      is_active: true,
      is_suspended: false,
      created_at: '2026-01-31T22:00:00.000Z',
      updated_at: '2026-01-31T22:00:00.000Z',
    });
    expect((await p.api.post(path, { max_usd: 1 })).status).toBe(409);

    const topup = await p.api.post(`${path}/topup`, { amount: 2.5, reason: 'promo', metadata: { campaign: 'jan' } });
    expect(topup.status).toBe(201);
    expect(topup.body.data.transaction).toMatchObject({
      type: 'top_up',
      amount: 2.5,
      max_usd_after: 7.5,
      used_usd_after: 0,
      remaining_usd_after: 7.5,
      reason: 'promo',
    });
    const debit = await p.api.post(`${path}/debit`, { amount: '0.000123', reason: 'manual' });
    expect(debit.status).toBe(201);
    expect(debit.body.data.transaction).toMatchObject({
      type: 'debit',
      amount: -0.000123,
      used_usd_after: 0.000123,
      remaining_usd_after: 7.499877,
    });
    expect(debit.body.data.budget).toMatchObject({ max_usd: 7.5, used_usd: 0.000123, remaining_usd: 7.499877 });
    const over = await p.api.post(`${path}/debit`, { amount: 8 });
    expect(over.status).toBe(402);
    expect(over.body.error.code).toBe('budget_exhausted');

    const me = await client(gw.url, u.key).get('/v1/me/budget');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ max_usd: 7.5, used_usd: 0.000123 });

    const list = await p.api.get(`${path}/transactions`);
    expect(list.body.total).toBe(3);
    expect(list.body.data.map((t: { type: string }) => t.type)).toEqual(['debit', 'top_up', 'opening']);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('suspends and unsuspends with ledger rows; /v1/me/budget still answers while suspended', async () => {
    const u = await endUser(p, 'suspended-user', { max_usd: 1 });
    const path = `${p.base}/end-users/${u.endUserId}/budget`;
    const s = await p.api.patch(path, { is_suspended: true });
    expect(s.body.data.is_suspended).toBe(true);
    expect((await client(gw.url, u.key).get('/v1/me/budget')).body.data.is_suspended).toBe(true);
    expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({ ok: false, code: 'budget_suspended' });
    await p.api.patch(path, { is_suspended: false, max_usd: 2 });
    const types = (await p.api.get(`${path}/transactions`)).body.data.map((t: { type: string; amount: number }) => [t.type, t.amount]);
    expect(types).toEqual(
      expect.arrayContaining([
        ['suspend', 0],
        ['unsuspend', 0],
        ['adjustment', 1],
        ['opening', 1],
      ]),
    );
    expect((await p.api.patch(path, { max_usd: 0.5 })).status).toBe(200);
    await p.api.post(`${path}/debit`, { amount: 0.4 });
    const tooLow = await p.api.patch(path, { max_usd: 0.1 });
    expect(tooLow.status).toBe(409);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('rolls a monthly budget over at the UTC month boundary with a reset row', async () => {
    const u = await endUser(p, 'monthly-user', { max_usd: 3, period: 'monthly' });
    const path = `${p.base}/end-users/${u.endUserId}/budget`;
    await p.api.post(`${path}/debit`, { amount: 1.25 });
    clock.set('2026-02-01T00:00:00.000Z');
    const after = await p.api.get(path);
    expect(after.body.data).toMatchObject({ used_usd: 0, remaining_usd: 3, period_start: '2026-02-01T00:00:00.000Z' });
    const rows = (await p.api.get(`${path}/transactions`)).body.data;
    expect(rows[0]).toMatchObject({ type: 'reset', amount: 1.25, max_usd_after: 3, used_usd_after: 0, remaining_usd_after: 3 });
    clock.set('2026-01-31T22:00:00.000Z');
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it.each([
    ['max_usd', { max_usd: -1 }],
    ['max_usd', { max_usd: 0 }],
    ['max_usd', { max_usd: 'ten' }],
    ['max_usd', { max_usd: 1.1234567 }],
    ['max_usd', '{"max_usd": 1e400}'],
    ['max_usd', { max_usd: 'Infinity' }],
    ['replenish_amount', { max_usd: 1, auto_replenish: true }],
    ['period', { max_usd: 1, period: 'weekly' }],
  ])('refuses a budget with a bad %s: 400 naming the field (%j)', async (param, body) => {
    const u = await endUser(p, `bad-${param}-${JSON.stringify(body).length}`);
    const res = await p.api.post(`${p.base}/end-users/${u.endUserId}/budget`, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', param });
  });

  it.each([[-5], [0], ['abc'], [1e-7], [Number.NaN]])('refuses a top-up or debit of %s with a 400 naming amount', async (amount) => {
    const u = await endUser(p, `bad-amount-${String(amount)}`, { max_usd: 1 });
    for (const op of ['topup', 'debit']) {
      const res = await p.api.post(`${p.base}/end-users/${u.endUserId}/budget/${op}`, { amount });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_error', param: 'amount' });
    }
  });

  it('moves money once for replayed top-ups and debits with one Idempotency-Key', async () => {
    const u = await endUser(p, 'idem-user', { max_usd: 1 });
    const path = `${p.base}/end-users/${u.endUserId}/budget`;
    const first = await p.api.post(`${path}/topup`, { amount: 1 }, { 'idempotency-key': 'topup-1' });
    const replay = await p.api.post(`${path}/topup`, { amount: 1 }, { 'idempotency-key': 'topup-1' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    await p.api.post(`${path}/debit`, { amount: 0.5 }, { 'idempotency-key': 'debit-1' });
    await p.api.post(`${path}/debit`, { amount: 0.5 }, { 'idempotency-key': 'debit-1' });
    const reused = await p.api.post(`${path}/debit`, { amount: 0.6 }, { 'idempotency-key': 'debit-1' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect((await p.api.get(path)).body.data).toMatchObject({ max_usd: 2, used_usd: 0.5 });
  });

  it("keeps another platform's end users out: 404 by id on its own path, 403 on the other platform's path", async () => {
    const other = await fundedPlatform(gw, { walletUsd: 0, name: 'Other Co' });
    const theirs = await endUser(other, 'their-user', { max_usd: 1 });
    for (const op of [
      () => p.api.get(`${p.base}/end-users/${theirs.endUserId}/budget`),
      () => p.api.post(`${p.base}/end-users/${theirs.endUserId}/budget/topup`, { amount: 1 }),
      () => p.api.post(`${p.base}/end-users/${theirs.endUserId}/budget`, { max_usd: 1 }),
    ]) {
      expect((await op()).status).toBe(404);
    }
    expect((await p.api.get(`${other.base}/end-users/${theirs.endUserId}/budget`)).status).toBe(403);
    expect((await client(gw.url, theirs.key).get(`${p.base}/end-users/${theirs.endUserId}/budget`)).status).toBe(403);
    expect((await other.api.get(`${other.base}/end-users/${theirs.endUserId}/budget`)).body.data.max_usd).toBe(1);
  });

  it('settings.default_budget_usd opens a monthly budget for each new end user; DELETE leaves the user bounded by the wallet', async () => {
    const q = await fundedPlatform(gw, { walletUsd: 1, name: 'Defaults Co' });
    await q.api.patch(q.base, { settings: { default_budget_usd: 12.5 } });
    const u = await endUser(q, 'defaulted');
    const path = `${q.base}/end-users/${u.endUserId}/budget`;
    expect((await q.api.get(path)).body.data).toMatchObject({ max_usd: 12.5, period: 'monthly', used_usd: 0 });
    expect((await q.api.delete(path)).status).toBe(204);
    expect((await q.api.get(path)).status).toBe(404);
    const res = await gw.ctx.billing.reserve(reserveRequest(q.platformId, u.endUserId));
    expect(res).toMatchObject({ ok: true, reservation: { budgetId: null } });
    if (res.ok) await gw.ctx.billing.release(res.reservation);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });
});
