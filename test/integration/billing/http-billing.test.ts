/**
 * Billing through the real HTTP API with mock providers: the quick start's top-up then chat call debits
 * exactly usage × price, and concurrent chat calls (plain and streaming) near exhaustion keep every invariant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { withMarkupMicros } from '../../../src/billing/money.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('billing over HTTP (%s)', (dialect) => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, walletUsd: 0 });
  });
  afterAll(() => f?.close());

  const verify = async () => {
    await f.gw.ctx.requestLogs.flush();
    expect((await verifyLedger(f.gw.ctx.store)).differences).toEqual([]);
  };

  it('quick start step 4 then step 5: the wallet is debited exactly usage × price, the budget with markup', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const base = `/v1/platforms/${f.platformId}`;
    await platform.patch(base, { settings: { markup_percentage: 10 } });
    const topup = await platform.post(`${base}/wallet/topup`, { amount: 50.0, description: 'Initial top-up' });
    expect(topup.status).toBe(201);
    await platform.post(`${base}/end-users/${f.endUserId}/budget`, { max_usd: 5 });

    const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello, world!' }],
    });
    expect(res.status).toBe(200);
    const route = (await client(f.gw.url, f.gw.adminKey).get('/v1/admin/models?slug=gpt-4o')).body.data.find(
      (m: { provider_id: string }) => m.provider_id === f.providerIds.openai,
    );
    const u = res.body.usage;
    const numerator =
      u.prompt_tokens * Math.round(route.input_usd_per_mtok * 1e6) + u.completion_tokens * Math.round(route.output_usd_per_mtok * 1e6);
    const cost = Math.floor((numerator + 500_000) / 1_000_000);
    expect(cost).toBeGreaterThan(0);

    const wallet = (await platform.get(`${base}/wallet`)).body.data;
    expect(wallet).toMatchObject({ balance: (50_000_000 - cost) / 1e6, reserved: 0 });
    expect(wallet.recent_transactions[0]).toMatchObject({
      type: 'llm_usage',
      amount: -cost / 1e6,
      end_user_id: f.endUserId,
      request_id: res.headers.get('x-request-id'),
    });
    expect(res.headers.get('x-assistiv-cost-usd')).toBe((cost / 1e6).toFixed(6));
    const budget = (await platform.get(`${base}/end-users/${f.endUserId}/budget`)).body.data;
    expect(budget).toMatchObject({ used_usd: withMarkupMicros(cost, 10) / 1e6, reserved_usd: 0 });
    await f.gw.ctx.requestLogs.flush();
    const log = (await platform.get(`${base}/logs?limit=1`)).body.data[0];
    expect(log).toMatchObject({
      billing_status: 'billed',
      estimated_cost_usd: (cost / 1e6).toFixed(6),
      end_user_cost_usd: (withMarkupMicros(cost, 10) / 1e6).toFixed(6),
    });
    await verify();
  });

  it('concurrent plain and streaming calls near exhaustion: no negative balance, nothing reserved, ledger verifies', async () => {
    // Expensive output: a call holds ~$0.30 but spends a few cents, so budgets and wallet run out whatever the interleaving.
    await f.addRoute('bill-model', 'openai', 'gpt-bill', { input_usd_per_mtok: 10, output_usd_per_mtok: 1000, max_output_tokens: 400 });
    const platform = client(f.gw.url, f.platformKey);
    const base = `/v1/platforms/${f.platformId}`;
    const walletBefore = (await platform.get(`${base}/wallet`)).body.data.balance;
    await client(f.gw.url, f.gw.adminKey).post(`/v1/admin/platforms/${f.platformId}/wallet/adjustments`, {
      amount: -(walletBefore - 1),
      description: 'test drain',
    });
    const users: Array<{ id: string; key: string }> = [];
    for (let i = 0; i < 4; i++) {
      const u = await f.newEndUser(`racer-${i}`);
      await platform.post(`${base}/end-users/${u.id}/budget`, { max_usd: 0.5 });
      users.push(u);
    }
    const call = async (i: number) => {
      const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${users[i % users.length].key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'bill-model',
          max_tokens: 300,
          stream: i % 3 === 0,
          messages: [{ role: 'user', content: `Race ${i}: tell me something` }],
        }),
      });
      const text = await res.text();
      if (res.status === 200 && i % 3 === 0) expect(text).toContain('data: [DONE]');
      return { status: res.status, text };
    };
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => call(i)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 402)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 402).length).toBeGreaterThan(0);

    const db = f.gw.ctx.store.db;
    // A stream's log row is added just after its last byte: wait for the stragglers, then flush.
    for (let i = 0; i < 50; i++) {
      await f.gw.ctx.requestLogs.flush();
      const { n } = await db
        .selectFrom('request_logs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('model', '=', 'bill-model')
        .executeTakeFirstOrThrow();
      if (Number(n) >= 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const wallet = await db.selectFrom('wallets').selectAll().where('platform_id', '=', f.platformId).executeTakeFirstOrThrow();
    expect(wallet.balance_micros).toBeGreaterThanOrEqual(0);
    expect(wallet.reserved_micros).toBe(0);
    for (const u of users) {
      const b = await db.selectFrom('budgets').selectAll().where('end_user_id', '=', u.id).executeTakeFirstOrThrow();
      expect(b.reserved_micros).toBe(0);
      expect(b.used_micros).toBeLessThanOrEqual(b.max_micros);
    }
    const logs = await db.selectFrom('request_logs').selectAll().where('model', '=', 'bill-model').execute();
    expect(logs).toHaveLength(200);
    const debited = await db
      .selectFrom('wallet_transactions')
      .select('amount_micros')
      .where('platform_id', '=', f.platformId)
      .where('type', '=', 'llm_usage')
      .where(
        'request_id',
        'in',
        logs.map((l) => l.request_id),
      )
      .execute();
    expect(-debited.reduce((s, d) => s + d.amount_micros, 0)).toBe(logs.reduce((s, l) => s + l.cost_micros, 0));
    expect(logs.filter((l) => l.billing_status === 'billed')).toHaveLength(statuses.filter((s) => s === 200).length);
    await verify();
  });
});
