/** The platform itself and its API keys (spec §3): get, patch with settings merge, delete, rotation, revocation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(dialects)('platform and API keys (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Platform Co'));
  });
  afterAll(() => gw?.close());

  const base = () => `/v1/platforms/${platformId}`;

  it('GET returns the platform in its envelope', async () => {
    const res = await client(gw.url, platformKey).get(base());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        id: platformId,
        name: 'Platform Co',
        slug: 'platform-co',
        settings: {},
        is_active: true,
        created_at: expect.stringMatching(isoTime),
        updated_at: expect.stringMatching(isoTime),
      },
    });
  });

  it('PATCH merges settings and a null removes one', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.patch(base(), { settings: { markup_percentage: 20, theme: 'dark' } });
    expect(first.status).toBe(200);
    expect(first.body.data.settings).toEqual({ markup_percentage: 20, theme: 'dark' });
    const second = await api.patch(base(), { name: 'Renamed Co', settings: { default_budget_usd: 5.5, theme: null } });
    expect(second.body.data).toMatchObject({ name: 'Renamed Co', settings: { markup_percentage: 20, default_budget_usd: 5.5 } });
    expect(second.body.data.settings).not.toHaveProperty('theme');
    const third = await api.patch(base(), { settings: { markup_percentage: null } });
    expect(third.body.data.settings).toEqual({ default_budget_usd: 5.5 });
    expect(Date.parse(third.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(first.body.data.updated_at));
    expect((await api.get(base())).body.data.settings).toEqual({ default_budget_usd: 5.5 });
    const slug = await api.patch(base(), { slug: 'renamed-co' });
    expect(slug.body.data.slug).toBe('renamed-co');
  });

  it('PATCH validates markup_percentage and default_budget_usd', async () => {
    const api = client(gw.url, platformKey);
    for (const markup of [-1, 'ten', 10_001, true]) {
      expectApiError(
        await api.patch(base(), { settings: { markup_percentage: markup } }),
        400,
        'validation_error',
        'settings.markup_percentage',
      );
    }
    for (const budget of [0, -5, 'five', 1.0000001, {}]) {
      expectApiError(
        await api.patch(base(), { settings: { default_budget_usd: budget } }),
        400,
        'validation_error',
        'settings.default_budget_usd',
      );
    }
    expectApiError(await api.patch(base(), { slug: 'Not A Slug' }), 400, 'validation_error', 'slug');
    expectApiError(await api.patch(base(), { name: '' }), 400, 'validation_error', 'name');
    expectApiError(await api.patch(base(), { is_active: false }), 400, 'validation_error', 'is_active');
    expect((await api.get(base())).body.data.settings).toEqual({ default_budget_usd: 5.5 });
  });

  describe('API keys', () => {
    it('several platform keys are active at once (rotation), listed without hashes', async () => {
      const api = client(gw.url, platformKey);
      const created = await api.post(`${base()}/api-keys`, { name: 'rotation' });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        platform_id: platformId,
        end_user_id: null,
        name: 'rotation',
        is_active: true,
        expires_at: null,
        last_used_at: null,
        key_prefix: created.body.data.raw_key.slice(0, 12),
      });
      expect(created.body.data.raw_key).toMatch(/^sk-plat_[0-9a-f]{64}$/);
      const newKey = created.body.data.raw_key;
      expect((await client(gw.url, newKey).get(base())).status).toBe(200);
      expect((await client(gw.url, platformKey).get(base())).status).toBe(200);

      const list = await api.get(`${base()}/api-keys`);
      expect(list.body.total).toBe(2);
      expect(list.body.data.map((k: { name: string }) => k.name)).toEqual(['rotation', 'Default key']);
      for (const k of list.body.data) {
        expect(k).not.toHaveProperty('raw_key');
        expect(k).not.toHaveProperty('key_hash');
        expect(JSON.stringify(k)).not.toContain(newKey.slice(12));
      }
      expect(list.body.data[1].last_used_at).toMatch(isoTime);
    });

    it('revoking is immediate, and the list shows it inactive; revoking twice is a 404', async () => {
      const api = client(gw.url, platformKey);
      const created = await api.post(`${base()}/api-keys`, {});
      const key = created.body.data.raw_key;
      expect((await client(gw.url, key).get(base())).status).toBe(200);
      expect((await api.delete(`${base()}/api-keys/${created.body.data.id}`)).status).toBe(204);
      expectApiError(await client(gw.url, key).get(base()), 401, 'invalid_api_key');
      expectApiError(await api.delete(`${base()}/api-keys/${created.body.data.id}`), 404, 'not_found');
      const list = await api.get(`${base()}/api-keys?limit=100`);
      expect(list.body.data.find((k: { id: string }) => k.id === created.body.data.id).is_active).toBe(false);
    });

    it('end-user keys are listed with type=end_user and revoked through the same route', async () => {
      const api = client(gw.url, platformKey);
      const eu = await api.post(`${base()}/end-users`, { external_id: 'key-owner' });
      const list = await api.get(`${base()}/api-keys?type=end_user`);
      const row = list.body.data.find((k: { end_user_id: string }) => k.end_user_id === eu.body.data.id);
      expect(row).toMatchObject({ id: eu.body.data.api_key.id, key_prefix: eu.body.data.api_key.key_prefix, is_active: true });
      expect((await api.delete(`${base()}/api-keys/${row.id}`)).status).toBe(204);
      expectApiError(await client(gw.url, eu.body.data.api_key.raw_key).get('/v1/me'), 401, 'invalid_api_key');
      expectApiError(await api.get(`${base()}/api-keys?type=robot`), 400, 'validation_error', 'type');
    });

    it('a key with a future expiry works until then', async () => {
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      const created = await client(gw.url, platformKey).post(`${base()}/api-keys`, { expires_at: expires });
      expect(created.body.data.expires_at).toBe(expires);
      expect((await client(gw.url, created.body.data.raw_key).get(base())).status).toBe(200);
    });
  });

  it('DELETE removes every row of the platform and its keys stop at once', async () => {
    const p = await createPlatform(gw.url, gw.adminKey, 'Doomed Co');
    const api = client(gw.url, p.platformKey);
    const b = `/v1/platforms/${p.platformId}`;
    const providers = await api.get('/v1/admin/providers');
    const eu = await api.post(`${b}/end-users`, { external_id: 'doomed' });
    await api.post(`${b}/llm-configs`, { provider_id: providers.body.data[0].id, api_key: 'sk-doomed' });
    await api.post(`${b}/wallet/topup`, { amount: 3 }, { 'idempotency-key': 'doomed-topup' });
    const second = (await api.post(`${b}/api-keys`, {})).body.data.raw_key;
    expect((await client(gw.url, eu.body.data.api_key.raw_key).get('/v1/me')).status).toBe(200);

    expect((await api.delete(b)).status).toBe(204);
    for (const key of [p.platformKey, second]) expectApiError(await client(gw.url, key).get(b), 401, 'invalid_api_key');
    expectApiError(await client(gw.url, eu.body.data.api_key.raw_key).get('/v1/me'), 401, 'invalid_api_key');
    expectApiError(await client(gw.url, gw.adminKey).get(`/v1/admin/platforms/${p.platformId}`), 404, 'not_found');

    const db = gw.ctx.store.db;
    for (const table of ['api_keys', 'llm_configs', 'end_users', 'wallets', 'wallet_transactions'] as const) {
      const rows = await db.selectFrom(table).select('platform_id').where('platform_id', '=', p.platformId).execute();
      expect(rows, table).toHaveLength(0);
    }
    expect(await db.selectFrom('idempotency_keys').select('key').where('scope', '=', `platform:${p.platformId}`).execute()).toHaveLength(0);
    // The other platform is untouched.
    expect((await client(gw.url, platformKey).get(base())).status).toBe(200);
  });
});
