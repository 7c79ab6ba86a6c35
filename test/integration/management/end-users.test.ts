/** End users (spec §3): idempotent create on external_id, list and pagination, patch, delete, more keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('end users (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Users Co'));
  });
  afterAll(() => gw?.close());

  const base = () => `/v1/platforms/${platformId}/end-users`;

  it('create returns the user and its key once: 201, then 200 with the same user and a fresh key', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.post(base(), { external_id: 'u-1', display_name: 'Jane', metadata: { plan: 'pro', seats: 3 } });
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      platform_id: platformId,
      external_id: 'u-1',
      display_name: 'Jane',
      metadata: { plan: 'pro', seats: 3 },
      is_active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      api_key: {
        id: expect.any(String),
        key_prefix: expect.stringMatching(/^sk-eu_/),
        raw_key: expect.stringMatching(/^sk-eu_/),
        expires_at: null,
      },
    });
    const second = await api.post(base(), { external_id: 'u-1', display_name: 'Ignored' });
    expect(second.status).toBe(200);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(second.body.data.display_name).toBe('Jane');
    expect(second.body.data.api_key.id).not.toBe(first.body.data.api_key.id);
    for (const res of [first, second]) expect((await client(gw.url, res.body.data.api_key.raw_key).get('/v1/me')).status).toBe(200);
  });

  it('concurrent creates of one external_id make one user (one 201, the rest 200), each with its own working key', async () => {
    const api = client(gw.url, platformKey);
    const results = await Promise.all(Array.from({ length: 10 }, () => api.post(base(), { external_id: 'racer' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.data.api_key.raw_key)).size).toBe(10);
    const keys = await gw.ctx.store.db.selectFrom('api_keys').select('id').where('end_user_id', '=', results[0].body.data.id).execute();
    expect(keys).toHaveLength(10);
    expect((await client(gw.url, results[3].body.data.api_key.raw_key).get('/v1/me')).body.data.external_id).toBe('racer');
  });

  it('lists newest first with external_id filter and page/limit', async () => {
    const other = await createPlatform(gw.url, gw.adminKey, 'Listing Co');
    const api = client(gw.url, other.platformKey);
    const b = `/v1/platforms/${other.platformId}/end-users`;
    for (let i = 1; i <= 5; i++) await api.post(b, { external_id: `list-${i}` });
    const page1 = await api.get(`${b}?limit=2`);
    expect(page1.body).toMatchObject({ total: 5, page: 1, limit: 2 });
    expect(page1.body.data.map((u: { external_id: string }) => u.external_id)).toEqual(['list-5', 'list-4']);
    const page3 = await api.get(`${b}?limit=2&page=3`);
    expect(page3.body.data.map((u: { external_id: string }) => u.external_id)).toEqual(['list-1']);
    const beyond = await api.get(`${b}?limit=2&page=4`);
    expect(beyond.body).toEqual({ data: [], total: 5, page: 4, limit: 2 });
    const filtered = await api.get(`${b}?external_id=list-3`);
    expect(filtered.body.total).toBe(1);
    expect(filtered.body.data[0].external_id).toBe('list-3');
    expect((await api.get(`${b}?external_id=list`)).body.total).toBe(0);
    expect((await api.get(`${b}?limit=100`)).body.limit).toBe(100);
    for (const q of ['limit=101', 'limit=0', 'page=0', 'page=-1', 'limit=x']) {
      expectApiError(await api.get(`${b}?${q}`), 400, 'validation_error', q.split('=')[0]);
    }
  });

  it('GET and PATCH (display_name, metadata replaced, is_active)', async () => {
    const api = client(gw.url, platformKey);
    const created = await api.post(base(), { external_id: 'patchy', display_name: 'Pat', metadata: { a: 1 } });
    const url = `${base()}/${created.body.data.id}`;
    const got = await api.get(url);
    expect(got.body.data).toMatchObject({ external_id: 'patchy', display_name: 'Pat', metadata: { a: 1 } });
    expect(got.body.data).not.toHaveProperty('api_key');
    const patched = await api.patch(url, { display_name: null, metadata: { b: 2 } });
    expect(patched.body.data).toMatchObject({ display_name: null, metadata: { b: 2 }, is_active: true });
    expectApiError(await api.patch(url, { external_id: 'renamed' }), 400, 'validation_error', 'external_id');
    expectApiError(await api.patch(url, { metadata: ['not', 'an', 'object'] }), 400, 'validation_error', 'metadata');
    expectApiError(await api.patch(url, { display_name: 'x'.repeat(256) }), 400, 'validation_error', 'display_name');
    expectApiError(await api.patch(url, { is_active: 'no' }), 400, 'validation_error', 'is_active');
  });

  it('more keys can be issued; each works and shows in the user’s key list', async () => {
    const api = client(gw.url, platformKey);
    const created = await api.post(base(), { external_id: 'multi-key' });
    const url = `${base()}/${created.body.data.id}/api-keys`;
    const extra = await api.post(url, { name: 'mobile app' });
    expect(extra.status).toBe(201);
    expect(extra.body.data).toMatchObject({ end_user_id: created.body.data.id, name: 'mobile app', is_active: true });
    expect(extra.body.data.raw_key).toMatch(/^sk-eu_[0-9a-f]{64}$/);
    expect((await client(gw.url, extra.body.data.raw_key).get('/v1/me')).body.data.end_user_id).toBe(created.body.data.id);
    const noBody = await client(gw.url, platformKey).raw('POST', url);
    expect(noBody.status).toBe(201);
    const list = await api.get(url);
    expect(list.body.total).toBe(3);
  });

  it('DELETE revokes the user’s keys at once and keeps its logs and ledger rows', async () => {
    const api = client(gw.url, platformKey);
    const created = await api.post(base(), { external_id: 'leaver' });
    const userId = created.body.data.id;
    const key2 = (await api.post(`${base()}/${userId}/api-keys`, {})).body.data.raw_key;
    const db = gw.ctx.store.db;
    const now = new Date().toISOString();
    await db
      .insertInto('request_logs')
      .values({
        id: crypto.randomUUID(),
        request_id: `req-${userId}`,
        platform_id: platformId,
        end_user_id: userId,
        request_type: 'chat.completion',
        provider_id: null,
        model: 'gpt-4o',
        provider_model_id: null,
        stream: 0,
        prompt_tokens: 1,
        completion_tokens: 1,
        cached_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
        latency_ms: 1,
        ttft_ms: null,
        cost_micros: 1,
        end_user_cost_micros: 1,
        status: 'success',
        error_code: null,
        error_message: null,
        token_count_method: 'reported',
        billing_status: 'billed',
        fallback_from: null,
        metadata: '{}',
        created_at: now,
      })
      .execute();

    expect((await api.delete(`${base()}/${userId}`)).status).toBe(204);
    for (const key of [created.body.data.api_key.raw_key, key2])
      expectApiError(await client(gw.url, key).get('/v1/me'), 401, 'invalid_api_key');
    expectApiError(await api.get(`${base()}/${userId}`), 404, 'not_found');
    expectApiError(await api.delete(`${base()}/${userId}`), 404, 'not_found');
    const logs = await db.selectFrom('request_logs').select('id').where('end_user_id', '=', userId).execute();
    expect(logs).toHaveLength(1);
    const keys = await db.selectFrom('api_keys').select(['is_active']).where('end_user_id', '=', userId).execute();
    expect(keys.map((k) => Number(k.is_active))).toEqual([0, 0]);
    // The external id is free again: creating it makes a new user.
    const again = await api.post(base(), { external_id: 'leaver' });
    expect(again.status).toBe(201);
    expect(again.body.data.id).not.toBe(userId);
  });

  it('settings.default_budget_usd opens a monthly budget with the user', async () => {
    const p = await createPlatform(gw.url, gw.adminKey, 'Budgeted Co');
    const api = client(gw.url, p.platformKey);
    await api.patch(`/v1/platforms/${p.platformId}`, { settings: { default_budget_usd: 2.5 } });
    const created = await api.post(`/v1/platforms/${p.platformId}/end-users`, { external_id: 'budgeted' });
    expect(created.status).toBe(201);
    const budget = await gw.ctx.store.db
      .selectFrom('budgets')
      .selectAll()
      .where('end_user_id', '=', created.body.data.id)
      .executeTakeFirst();
    expect(budget).toMatchObject({ max_micros: 2_500_000, period: 'monthly' });
    const plain = await client(gw.url, platformKey).post(base(), { external_id: 'unbudgeted' });
    const none = await gw.ctx.store.db.selectFrom('budgets').select('id').where('end_user_id', '=', plain.body.data.id).execute();
    expect(none).toHaveLength(0);
  });
});
