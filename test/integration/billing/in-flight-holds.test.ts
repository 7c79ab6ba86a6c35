/**
 * What a call in flight holds is visible where the money is shown: GET wallet `reserved` / `available` and
 * GET budget `reserved_usd` / `remaining_usd` (also /v1/me/budget) include it, and manual debits cannot eat
 * into it. On SQLite the holds live in the serving process's memory: no reservation row, no reserved column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { withMarkupMicros } from '../../../src/billing/money.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

const micros = (usd: number) => Math.round(usd * 1e6);

describe.each(dialects)('holds of calls in flight (%s)', (dialect) => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, walletUsd: 20 });
    // The mock answers this model after 600 ms: long enough to look at the balances meanwhile.
    await f.addRoute('slow-model', 'openai', 'gpt-slow-headers-600', { max_output_tokens: 1000 });
  });
  afterAll(() => f?.close());

  it('GET wallet and GET budget include the held amounts while a slow call runs, and nothing once it settles', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const base = `/v1/platforms/${f.platformId}`;
    await platform.patch(base, { settings: { markup_percentage: 25 } });
    const user = await f.newEndUser('slow-caller');
    await platform.post(`${base}/end-users/${user.id}/budget`, { max_usd: 2 });
    const before = (await platform.get(`${base}/wallet`)).body.data;
    expect(before.reserved).toBe(0);

    const call = client(f.gw.url, user.key).post('/v1/chat/completions', {
      model: 'slow-model',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'Take your time.' }],
    });
    let wallet = (await platform.get(`${base}/wallet`)).body.data;
    for (let i = 0; i < 100 && wallet.reserved === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      wallet = (await platform.get(`${base}/wallet`)).body.data;
    }
    // 1,000 output tokens at $10/M plus the estimated prompt at $2.50/M.
    const heldMicros = micros(wallet.reserved);
    expect(heldMicros).toBeGreaterThan(10_000);
    expect(wallet).toMatchObject({ balance: before.balance, available: (micros(before.balance) - heldMicros) / 1e6 });
    const budget = (await platform.get(`${base}/end-users/${user.id}/budget`)).body.data;
    expect(budget).toMatchObject({ used_usd: 0, reserved_usd: withMarkupMicros(heldMicros, 25) / 1e6 });
    expect(micros(budget.remaining_usd)).toBe(2_000_000 - withMarkupMicros(heldMicros, 25));
    expect((await client(f.gw.url, user.key).get('/v1/me/budget')).body.data).toMatchObject({ reserved_usd: budget.reserved_usd });
    // A manual debit may not take what the call holds.
    const tooMuch = await platform.post(`${base}/end-users/${user.id}/budget/debit`, { amount: 2 - budget.reserved_usd + 0.000001 });
    expect(tooMuch.status).toBe(402);

    const db = f.gw.ctx.store.db;
    const rows = await db.selectFrom('reservations').selectAll().where('platform_id', '=', f.platformId).execute();
    const walletRow = await db.selectFrom('wallets').selectAll().where('platform_id', '=', f.platformId).executeTakeFirstOrThrow();
    if (dialect === 'sqlite') {
      expect(rows).toEqual([]);
      expect(walletRow.reserved_micros).toBe(0);
      expect(f.gw.ctx.billing.heldFor({ platformId: f.platformId })).toBe(heldMicros);
    } else {
      expect(rows).toHaveLength(1);
      expect(walletRow.reserved_micros).toBe(heldMicros);
      expect(f.gw.ctx.billing.heldFor({ platformId: f.platformId })).toBe(0);
    }

    const res = await call;
    expect(res.status).toBe(200);
    const cost = micros(Number(res.headers.get('x-assistiv-cost-usd')));
    wallet = (await platform.get(`${base}/wallet`)).body.data;
    expect(wallet).toMatchObject({ reserved: 0, balance: (micros(before.balance) - cost) / 1e6, available: wallet.balance });
    expect((await platform.get(`${base}/end-users/${user.id}/budget`)).body.data).toMatchObject({
      reserved_usd: 0,
      used_usd: withMarkupMicros(cost, 25) / 1e6,
    });
    await f.gw.ctx.requestLogs.flush();
    expect((await verifyLedger(f.gw.ctx.store)).differences).toEqual([]);
  });

  it('a negative wallet adjustment cannot take what calls in flight hold', async () => {
    const admin = client(f.gw.url, f.gw.adminKey);
    const platform = client(f.gw.url, f.platformKey);
    const base = `/v1/platforms/${f.platformId}`;
    const call = client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'slow-model',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'Take your time.' }],
    });
    let wallet = (await platform.get(`${base}/wallet`)).body.data;
    for (let i = 0; i < 100 && wallet.reserved === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      wallet = (await platform.get(`${base}/wallet`)).body.data;
    }
    expect(wallet.reserved).toBeGreaterThan(0);
    const adjust = (amount: number) =>
      admin.post(`/v1/admin/platforms/${f.platformId}/wallet/adjustments`, { amount, description: 'drain' });
    expect((await adjust(-(wallet.balance - wallet.reserved + 0.000001))).status).toBe(400);
    const ok = await adjust(-(wallet.balance - wallet.reserved));
    expect(ok.status).toBe(201);
    expect(ok.body.data.wallet).toMatchObject({ available: 0, reserved: wallet.reserved });
    expect((await call).status).toBe(200);
    await admin.post(`/v1/admin/platforms/${f.platformId}/wallet/adjustments`, { amount: 10, description: 'refill' });
    await f.gw.ctx.requestLogs.flush();
    expect((await verifyLedger(f.gw.ctx.store)).differences).toEqual([]);
  });
});
