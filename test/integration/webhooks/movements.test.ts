/**
 * Money movements made through the API emit their §6 events from the movement's own transaction: each
 * movement gives exactly one delivery, verified with standardwebhooks, whose data matches the ledger row.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { type Receiver, startReceiver } from './receiver.js';

describe.each(dialects)('webhook events of money movements (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' }, webhooks: { pollIntervalMs: 50 } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await gw?.close();
  });

  it('wallet top-up, budget top-up, debit, suspend and unsuspend each deliver one verified event', async () => {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Movers');
    const api = client(gw.url, platformKey);
    const p = `/v1/platforms/${platformId}`;
    const hook = (await api.post(`${p}/webhooks`, { url: `${receiver.url}/m`, events: ['*', 'budget.debited'] })).body.data;
    const wh = new Webhook(hook.secret);
    const next = async (n: number) => {
      const got = await receiver.waitFor(n);
      const last = got[n - 1];
      return wh.verify(last.body, last.headers) as any;
    };

    const top = await api.post(`${p}/wallet/topup`, { amount: '12.5', description: 'March' }, { 'idempotency-key': 'top-1' });
    expect(top.status).toBe(201);
    const walletEvent = await next(1);
    expect(walletEvent).toEqual({
      event_type: 'wallet.topped_up',
      event_id: `${top.body.data.transaction.id}:wallet.topped_up`,
      api_version: '2026-11-01',
      created_at: top.body.data.transaction.created_at,
      data: {
        platform_id: platformId,
        wallet_id: top.body.data.wallet.id,
        transaction_id: top.body.data.transaction.id,
        type: 'top_up',
        amount_usd: 12.5,
        balance_after: 12.5,
        reason: 'March',
      },
    });
    // A replayed request moves no money and sends nothing.
    const replay = await api.post(`${p}/wallet/topup`, { amount: '12.5', description: 'March' }, { 'idempotency-key': 'top-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const user = (await api.post(`${p}/end-users`, { external_id: 'u-1' })).body.data;
    const b = `${p}/end-users/${user.id}/budget`;
    expect((await api.post(b, { max_usd: 10 })).status).toBe(201);
    const budgetTop = (await api.post(`${b}/topup`, { amount: 5, reason: 'bonus', metadata: { campaign: 'x' } })).body.data;
    const topped = await next(2);
    expect(topped).toMatchObject({
      event_type: 'budget.topped_up',
      event_id: `${budgetTop.transaction.id}:budget.topped_up`,
      data: {
        platform_id: platformId,
        end_user_id: user.id,
        budget_id: budgetTop.budget.id,
        transaction_id: budgetTop.transaction.id,
        type: 'top_up',
        amount_usd: 5,
        max_usd_after: 15,
        used_usd_after: 0,
        remaining_usd_after: 15,
        reason: 'bonus',
        metadata: { campaign: 'x' },
      },
    });

    const debit = (await api.post(`${b}/debit`, { amount: 2.25 })).body.data;
    expect(await next(3)).toMatchObject({
      event_type: 'budget.debited',
      event_id: `${debit.transaction.id}:budget.debited`,
      data: {
        type: 'debit',
        amount_usd: -2.25,
        max_usd_after: 15,
        used_usd_after: 2.25,
        remaining_usd_after: 12.75,
        reason: null,
        metadata: {},
      },
    });
    // Refused: nothing moved, nothing sent.
    expect((await api.post(`${b}/debit`, { amount: 100 })).status).toBe(402);

    expect((await api.patch(b, { is_suspended: true })).status).toBe(200);
    expect(await next(4)).toMatchObject({
      event_type: 'budget.suspended',
      data: { type: 'suspend', amount_usd: 0, remaining_usd_after: 12.75 },
    });
    // No change, no movement, no event.
    expect((await api.patch(b, { is_suspended: true })).status).toBe(200);
    expect((await api.patch(b, { is_suspended: false })).status).toBe(200);
    expect(await next(5)).toMatchObject({ event_type: 'budget.unsuspended', data: { type: 'unsuspend', budget_id: budgetTop.budget.id } });

    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received).toHaveLength(5);
    const ledger = (await api.get(`${b}/transactions`)).body.data as Array<{ id: string; type: string }>;
    const eventIds = receiver.received.map((r) => r.headers['webhook-id']);
    for (const row of ledger.filter((t) => t.type !== 'opening')) expect(eventIds.some((id) => id.startsWith(`${row.id}:`))).toBe(true);
    expect(new Set(eventIds).size).toBe(5);
  });

  it('a budget.debited is not sent to an endpoint subscribed to * only', async () => {
    receiver.received.length = 0;
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Star');
    const api = client(gw.url, platformKey);
    const p = `/v1/platforms/${platformId}`;
    await api.post(`${p}/webhooks`, { url: `${receiver.url}/star`, events: ['*'] });
    const user = (await api.post(`${p}/end-users`, { external_id: 'u-2' })).body.data;
    await api.post(`${p}/end-users/${user.id}/budget`, { max_usd: 10 });
    await api.post(`${p}/end-users/${user.id}/budget/debit`, { amount: 1 });
    await api.post(`${p}/end-users/${user.id}/budget/topup`, { amount: 1 });
    const [got] = await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(got.body).event_type).toBe('budget.topped_up');
  });
});
