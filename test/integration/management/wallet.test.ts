/** The platform wallet (spec §3): balance, 5 newest transactions, top-ups, the ledger, the threshold, bad amounts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('wallet (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Wallet Co'));
  });
  afterAll(() => gw?.close());

  const base = () => `/v1/platforms/${platformId}/wallet`;

  it('a new platform has an empty wallet', async () => {
    const res = await client(gw.url, platformKey).get(base());
    expect(res.body).toEqual({
      data: {
        id: expect.any(String),
        platform_id: platformId,
        balance: 0,
        reserved: 0,
        available: 0,
        currency: 'usd',
        low_balance_threshold: null,
        is_active: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        recent_transactions: [],
      },
    });
  });

  it('top-ups add exactly, and GET shows the 5 newest', async () => {
    const api = client(gw.url, platformKey);
    const amounts = [10, 0.1, 0.2, 1.000001, 2.5, '3.25', 0.000001];
    for (const amount of amounts) {
      const res = await api.post(`${base()}/topup`, { amount, description: `top ${amount}` });
      expect(res.status).toBe(201);
      expect(res.body.data.transaction).toMatchObject({
        type: 'top_up',
        amount: Number(amount),
        description: `top ${amount}`,
        request_id: null,
        end_user_id: null,
      });
    }
    const wallet = await api.get(base());
    expect(wallet.body.data).toMatchObject({ balance: 17.050002, reserved: 0, available: 17.050002 });
    expect(wallet.body.data.recent_transactions.map((t: { amount: number }) => t.amount)).toEqual([0.000001, 3.25, 2.5, 1.000001, 0.2]);
    expect(wallet.body.data.recent_transactions[0].balance_after).toBe(17.050002);
    const stored = await gw.ctx.store.db
      .selectFrom('wallets')
      .select('balance_micros')
      .where('platform_id', '=', platformId)
      .executeTakeFirstOrThrow();
    expect(stored.balance_micros).toBe(17_050_002);
  });

  it('lists transactions newest first, paged, with a type filter', async () => {
    const admin = client(gw.url, gw.adminKey);
    const adj = await admin.post(`/v1/admin/platforms/${platformId}/wallet/adjustments`, { amount: -0.05, description: 'correction' });
    expect(adj.status).toBe(201);
    const api = client(gw.url, platformKey);
    const all = await api.get(`${base()}/transactions?limit=3`);
    expect(all.body).toMatchObject({ total: 8, page: 1, limit: 3 });
    expect(all.body.data[0]).toEqual({
      id: adj.body.data.id,
      type: 'adjustment',
      amount: -0.05,
      balance_after: 17.000002,
      description: 'correction',
      request_id: null,
      end_user_id: null,
      created_at: expect.any(String),
    });
    const topups = await api.get(`${base()}/transactions?type=top_up&limit=100`);
    expect(topups.body.total).toBe(7);
    expect(topups.body.data.every((t: { type: string }) => t.type === 'top_up')).toBe(true);
    const adjustments = await api.get(`${base()}/transactions?type=adjustment`);
    expect(adjustments.body.data.map((t: { amount: number }) => t.amount)).toEqual([-0.05]);
    expectApiError(await api.get(`${base()}/transactions?type=bonus`), 400, 'validation_error', 'type');
  });

  it('sets and clears the low-balance threshold', async () => {
    const api = client(gw.url, platformKey);
    expect((await api.patch(base(), { low_balance_threshold: 12.5 })).body.data.low_balance_threshold).toBe(12.5);
    expect((await api.get(base())).body.data.low_balance_threshold).toBe(12.5);
    expect((await api.patch(base(), { low_balance_threshold: 0 })).body.data.low_balance_threshold).toBe(0);
    expect((await api.patch(base(), { low_balance_threshold: null })).body.data.low_balance_threshold).toBeNull();
    for (const bad of [-1, 'lots', 0.0000001]) {
      expectApiError(await api.patch(base(), { low_balance_threshold: bad }), 400, 'validation_error', 'low_balance_threshold');
    }
    expectApiError(await api.patch(base(), { low_balance_threshold: 1, balance: 100 }), 400, 'validation_error', 'balance');
  });

  it('refuses bad amounts with validation_error on amount, and writes nothing', async () => {
    const api = client(gw.url, platformKey);
    const before = (await api.get(`${base()}/transactions`)).body.total;
    const bad: unknown[] = [
      -5,
      0,
      -0,
      '0',
      'abc',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e3',
      '',
      ' ',
      '1,5',
      1.0000001,
      '1.0000001',
      0.0000001,
      null,
      true,
      [],
      {},
      1e10,
      '99999999999',
    ];
    for (const amount of bad) {
      const res = await api.post(`${base()}/topup`, { amount });
      expectApiError(res, 400, 'validation_error', 'amount');
    }
    const nan = await client(gw.url, platformKey).raw('POST', `${base()}/topup`, '{"amount": NaN}', { 'content-type': 'application/json' });
    expectApiError(nan, 400, 'invalid_json');
    expectApiError(await api.post(`${base()}/topup`, {}), 400, 'validation_error', 'amount');
    expectApiError(await api.post(`${base()}/topup`, { amount: 1, currency: 'eur' }), 400, 'validation_error', 'currency');
    expect((await api.get(`${base()}/transactions`)).body.total).toBe(before);
  });
});
