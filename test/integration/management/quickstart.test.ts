/** Quick start steps 1–4, verbatim in shape, against a real server on each database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('quick start steps 1-4 (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Quick Start Co'));
  });
  afterAll(() => gw?.close());

  it('step 1: the platform key reaches its platform by ID', async () => {
    expect(platformKey).toMatch(/^sk-plat_[0-9a-f]{64}$/);
    const res = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/end-users`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], total: 0, page: 1, limit: 20 });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('step 2: a provider key is stored encrypted and never returned', async () => {
    const providers = await client(gw.url, platformKey).get('/v1/admin/providers');
    expect(providers.status).toBe(200);
    const openai = providers.body.data.find((p: { slug: string }) => p.slug === 'openai');
    expect(openai).toEqual({ id: expect.any(String), slug: 'openai', name: 'OpenAI', kind: 'openai', is_active: true });
    expect(providers.body.data.map((p: { slug: string }) => p.slug).sort()).toEqual(['anthropic', 'google', 'openai', 'xai']);

    const res = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/llm-configs`, {
      provider_id: openai.id,
      api_key: 'sk-openai-your-key-here',
      is_default: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ provider_id: openai.id, is_default: true, is_active: true, key_hint: 'here' });
    expect(JSON.stringify(res.body)).not.toContain('sk-openai-your-key-here');
    const row = await gw.ctx.store.db.selectFrom('llm_configs').selectAll().where('id', '=', res.body.data.id).executeTakeFirstOrThrow();
    expect(row.encrypted_key).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row.encrypted_key).not.toContain('sk-openai');
    expect(gw.ctx.secretBox.decrypt(row.encrypted_key, `${platformId}:${row.id}`)).toBe('sk-openai-your-key-here');
  });

  it('step 3: creating an end user returns its key once; repeating returns the same user with a new key', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: 'user-123', display_name: 'Jane Smith' });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ external_id: 'user-123', display_name: 'Jane Smith', is_active: true });
    expect(first.body.data.api_key.raw_key).toMatch(/^sk-eu_[0-9a-f]{64}$/);
    expect(first.body.data.api_key.key_prefix).toBe(first.body.data.api_key.raw_key.slice(0, 12));

    const again = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: 'user-123' });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.body.data.api_key.raw_key).not.toBe(first.body.data.api_key.raw_key);

    for (const key of [first.body.data.api_key.raw_key, again.body.data.api_key.raw_key]) {
      const me = await client(gw.url, key).get('/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.data).toEqual({
        end_user_id: first.body.data.id,
        platform_id: platformId,
        external_id: 'user-123',
        display_name: 'Jane Smith',
      });
    }
    const list = await api.get(`/v1/platforms/${platformId}/end-users?external_id=user-123`);
    expect(list.body.total).toBe(1);
    const stored = await gw.ctx.store.db
      .selectFrom('api_keys')
      .select(['key_hash'])
      .where('end_user_id', '=', first.body.data.id)
      .execute();
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(first.body.data.api_key.raw_key.slice(12));
  });

  it('step 4: a top-up credits the wallet exactly and is in the ledger', async () => {
    const api = client(gw.url, platformKey);
    const res = await api.post(`/v1/platforms/${platformId}/wallet/topup`, { amount: 50.0, description: 'Initial top-up' });
    expect(res.status).toBe(201);
    expect(res.body.data.transaction).toMatchObject({ type: 'top_up', amount: 50, balance_after: 50, description: 'Initial top-up' });
    expect(res.body.data.wallet).toMatchObject({ balance: 50, reserved: 0, available: 50, currency: 'usd' });
    await api.post(`/v1/platforms/${platformId}/wallet/topup`, { amount: 0.000123 });
    const wallet = await api.get(`/v1/platforms/${platformId}/wallet`);
    expect(wallet.body.data.balance).toBe(50.000123);
    expect(wallet.body.data.recent_transactions.map((t: { amount: number }) => t.amount)).toEqual([0.000123, 50]);
  });
});
