/** Spec §1 on the management API: every error has the one shape, the right status and code, and names its field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('management errors (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  let endUserId: string;
  let endUserKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Errors Co'));
    const eu = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/end-users`, { external_id: 'err-user' });
    endUserId = eu.body.data.id;
    endUserKey = eu.body.data.api_key.raw_key;
  });
  afterAll(() => gw?.close());

  const base = () => `/v1/platforms/${platformId}`;

  describe('400', () => {
    it('malformed JSON is invalid_json', async () => {
      const res = await client(gw.url, platformKey).raw('POST', `${base()}/end-users`, '{"external_id": "a",', {
        'content-type': 'application/json',
      });
      expectApiError(res, 400, 'invalid_json');
    });

    it('a body that is JSON but not an object names the body', async () => {
      const res = await client(gw.url, platformKey).raw('POST', `${base()}/end-users`, '[1,2]', { 'content-type': 'application/json' });
      expectApiError(res, 400, 'validation_error', 'body');
    });

    it('JSON sent without a JSON content type is still parsed (lenient, like curl -d)', async () => {
      const res = await client(gw.url, platformKey).raw('POST', `${base()}/end-users`, '{"external_id":"form-user"}', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(201);
      expect(res.body.data.external_id).toBe('form-user');
    });

    it('a missing required field is named in param', async () => {
      const res = await client(gw.url, platformKey).post(`${base()}/end-users`, { display_name: 'No id' });
      expectApiError(res, 400, 'validation_error', 'external_id');
    });

    it('a wrong type is named in param', async () => {
      const res = await client(gw.url, platformKey).post(`${base()}/end-users`, { external_id: 123 });
      expectApiError(res, 400, 'validation_error', 'external_id');
    });

    it('an unknown field is named in param', async () => {
      const res = await client(gw.url, platformKey).post(`${base()}/end-users`, { external_id: 'x', colour: 'blue' });
      expectApiError(res, 400, 'validation_error', 'colour');
    });

    it('a nested field is named with its path', async () => {
      const res = await client(gw.url, platformKey).patch(base(), { settings: { markup_percentage: 'ten' } });
      expectApiError(res, 400, 'validation_error', 'settings.markup_percentage');
    });

    it('an out-of-range string length is a 400 on the field', async () => {
      const res = await client(gw.url, platformKey).post(`${base()}/end-users`, { external_id: 'x'.repeat(256) });
      expectApiError(res, 400, 'validation_error', 'external_id');
      const empty = await client(gw.url, platformKey).post(`${base()}/end-users`, { external_id: '' });
      expectApiError(empty, 400, 'validation_error', 'external_id');
    });

    it('bad query parameters are named', async () => {
      for (const q of ['page=0', 'page=abc', 'limit=0', 'limit=101', 'limit=1.5']) {
        const res = await client(gw.url, platformKey).get(`${base()}/end-users?${q}`);
        expectApiError(res, 400, 'validation_error', q.split('=')[0]);
      }
    });

    it('a UUID field with another format is a 400, an unknown UUID a 404, both naming provider_id', async () => {
      const bad = await client(gw.url, platformKey).post(`${base()}/llm-configs`, { provider_id: 'openai', api_key: 'sk-x' });
      expectApiError(bad, 400, 'validation_error', 'provider_id');
      const unknown = await client(gw.url, platformKey).post(`${base()}/llm-configs`, {
        provider_id: '0190f7a0-0000-7000-8000-000000000000',
        api_key: 'sk-x',
      });
      expectApiError(unknown, 404, 'not_found', 'provider_id');
    });

    it('an Idempotency-Key longer than 255 characters is a 400', async () => {
      const res = await client(gw.url, platformKey).post(
        `${base()}/end-users`,
        { external_id: 'idem-long' },
        { 'idempotency-key': 'k'.repeat(256) },
      );
      expectApiError(res, 400, 'validation_error', 'Idempotency-Key');
    });
  });

  describe('401', () => {
    it('a missing key', async () => {
      expectApiError(await client(gw.url).get(base()), 401, 'invalid_api_key');
    });

    it('a malformed Authorization header or key', async () => {
      for (const header of ['Basic abc', 'Bearer', 'Bearer not-a-key', `Token ${platformKey}`]) {
        const res = await client(gw.url).get(base(), { authorization: header });
        expectApiError(res, 401, 'invalid_api_key');
      }
    });

    it('an unknown key of each kind', async () => {
      for (const key of [`sk-plat_${'0'.repeat(64)}`, `sk-eu_${'0'.repeat(64)}`, `sk-admin_${'0'.repeat(64)}`]) {
        expectApiError(await client(gw.url, key).get(base()), 401, 'invalid_api_key');
      }
    });

    it('a revoked key, at once', async () => {
      const api = client(gw.url, platformKey);
      const created = await api.post(`${base()}/api-keys`, { name: 'to revoke' });
      const key = created.body.data.raw_key;
      expect((await client(gw.url, key).get(base())).status).toBe(200);
      expect((await api.delete(`${base()}/api-keys/${created.body.data.id}`)).status).toBe(204);
      expectApiError(await client(gw.url, key).get(base()), 401, 'invalid_api_key');
    });

    it('an expired key, even while cached', async () => {
      const api = client(gw.url, platformKey);
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const created = await api.post(`${base()}/api-keys`, { name: 'short-lived', expires_at: expiresAt });
      expect(created.status).toBe(201);
      expect(created.body.data.expires_at).toBe(expiresAt);
      const key = created.body.data.raw_key;
      expect((await client(gw.url, key).get(base())).status).toBe(200);
      await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
      expectApiError(await client(gw.url, key).get(base()), 401, 'invalid_api_key');
    });

    it('an expiry in the past is refused at creation', async () => {
      const res = await client(gw.url, platformKey).post(`${base()}/api-keys`, { expires_at: '2020-01-01T00:00:00Z' });
      expectApiError(res, 400, 'validation_error', 'expires_at');
      const eu = await client(gw.url, platformKey).post(`${base()}/end-users/${endUserId}/api-keys`, { expires_at: 'tomorrow' });
      expectApiError(eu, 400, 'validation_error', 'expires_at');
    });

    it('a key expired in the database is refused once the cache entry lapses', async () => {
      const created = await client(gw.url, platformKey).post(`${base()}/api-keys`, {});
      const key = created.body.data.raw_key;
      expect((await client(gw.url, key).get(base())).status).toBe(200);
      await gw.ctx.store.db
        .updateTable('api_keys')
        .set({ expires_at: '2021-01-01T00:00:00.000Z' })
        .where('id', '=', created.body.data.id)
        .execute();
      gw.ctx.auth.invalidateAll();
      expectApiError(await client(gw.url, key).get(base()), 401, 'invalid_api_key');
    });
  });

  describe('403', () => {
    it('an end-user key on a management route', async () => {
      const res = await client(gw.url, endUserKey).get(`${base()}/end-users`);
      expectApiError(res, 403, 'forbidden');
      expectApiError(await client(gw.url, endUserKey).get('/v1/admin/providers'), 403, 'forbidden');
    });

    it('a platform key on /v1/me', async () => {
      expectApiError(await client(gw.url, platformKey).get('/v1/me'), 403, 'forbidden');
    });

    it('the admin key on /v1/me', async () => {
      expectApiError(await client(gw.url, gw.adminKey).get('/v1/me'), 403, 'forbidden');
    });

    it("a platform key on another platform's path", async () => {
      const other = await createPlatform(gw.url, gw.adminKey, 'Other Co');
      expectApiError(await client(gw.url, platformKey).get(`/v1/platforms/${other.platformId}`), 403, 'forbidden');
      expectApiError(await client(gw.url, platformKey).get('/v1/platforms/not-a-uuid/end-users'), 403, 'forbidden');
    });

    it('a platform key on operator routes (except the provider list)', async () => {
      expectApiError(await client(gw.url, platformKey).get('/v1/admin/platforms'), 403, 'forbidden');
      expectApiError(await client(gw.url, platformKey).post('/v1/admin/providers', {}), 403, 'forbidden');
    });

    it('an inactive end user is end_user_inactive, and active again after reactivation', async () => {
      const api = client(gw.url, platformKey);
      const eu = await api.post(`${base()}/end-users`, { external_id: 'to-deactivate' });
      const key = eu.body.data.api_key.raw_key;
      expect((await client(gw.url, key).get('/v1/me')).status).toBe(200);
      expect((await api.patch(`${base()}/end-users/${eu.body.data.id}`, { is_active: false })).body.data.is_active).toBe(false);
      expectApiError(await client(gw.url, key).get('/v1/me'), 403, 'end_user_inactive');
      await api.patch(`${base()}/end-users/${eu.body.data.id}`, { is_active: true });
      expect((await client(gw.url, key).get('/v1/me')).status).toBe(200);
    });

    it('a suspended platform is platform_suspended for its platform and end-user keys; the operator still reaches it', async () => {
      const p = await createPlatform(gw.url, gw.adminKey, 'Suspended Co');
      const eu = await client(gw.url, p.platformKey).post(`/v1/platforms/${p.platformId}/end-users`, { external_id: 'u' });
      const admin = client(gw.url, gw.adminKey);
      const suspended = await admin.patch(`/v1/admin/platforms/${p.platformId}`, { is_active: false });
      expect(suspended.body.data.is_active).toBe(false);
      expectApiError(await client(gw.url, p.platformKey).get(`/v1/platforms/${p.platformId}`), 403, 'platform_suspended');
      expectApiError(await client(gw.url, eu.body.data.api_key.raw_key).get('/v1/me'), 403, 'platform_suspended');
      expect((await admin.get(`/v1/platforms/${p.platformId}`)).body.data.is_active).toBe(false);
      await admin.patch(`/v1/admin/platforms/${p.platformId}`, { is_active: true });
      expect((await client(gw.url, p.platformKey).get(`/v1/platforms/${p.platformId}`)).status).toBe(200);
    });
  });

  describe('404, 405, 409, 413', () => {
    it('an unknown route is a 404 in the error shape, before any auth', async () => {
      for (const path of ['/v1/nope', '/nope', `${base()}/nope`, '/v1/admin/nope']) {
        expectApiError(await client(gw.url).get(path), 404, 'not_found');
      }
    });

    it('a wrong method is a 405 with Allow', async () => {
      const res = await client(gw.url, platformKey).raw('PUT', `${base()}/end-users`, {});
      expectApiError(res, 405, 'method_not_allowed');
      expect(res.headers.get('allow')).toBe('GET, POST');
      const del = await client(gw.url, platformKey).delete(`${base()}/wallet`);
      expectApiError(del, 405, 'method_not_allowed');
      expect(del.headers.get('allow')).toBe('GET, PATCH');
    });

    it('unknown resources are 404', async () => {
      const api = client(gw.url, platformKey);
      const id = '0190f7a0-0000-7000-8000-000000000000';
      expectApiError(await api.get(`${base()}/end-users/${id}`), 404, 'not_found');
      expectApiError(await api.get(`${base()}/end-users/not-a-uuid`), 404, 'not_found');
      expectApiError(await api.patch(`${base()}/end-users/${id}`, { display_name: 'x' }), 404, 'not_found');
      expectApiError(await api.delete(`${base()}/end-users/${id}`), 404, 'not_found');
      expectApiError(await api.post(`${base()}/end-users/${id}/api-keys`, {}), 404, 'not_found');
      expectApiError(await api.patch(`${base()}/llm-configs/${id}`, { name: 'x' }), 404, 'not_found');
      expectApiError(await api.delete(`${base()}/llm-configs/${id}`), 404, 'not_found');
      expectApiError(await api.delete(`${base()}/api-keys/${id}`), 404, 'not_found');
      const admin = client(gw.url, gw.adminKey);
      expectApiError(await admin.get(`/v1/admin/platforms/${id}`), 404, 'not_found');
      expectApiError(await admin.get(`/v1/platforms/${id}`), 404, 'not_found');
      expectApiError(await admin.get(`/v1/platforms/${id}/end-users`), 404, 'not_found');
      expectApiError(await admin.post(`/v1/platforms/${id}/wallet/topup`, { amount: 1 }), 404, 'not_found');
      expectApiError(await admin.patch(`/v1/admin/providers/${id}`, { name: 'x' }), 404, 'not_found');
      expectApiError(await admin.delete(`/v1/admin/models/${id}`), 404, 'not_found');
    });

    it('a taken slug is a 409 conflict', async () => {
      const admin = client(gw.url, gw.adminKey);
      expect((await admin.post('/v1/admin/platforms', { name: 'Slugged', slug: 'slugged' })).status).toBe(201);
      expectApiError(await admin.post('/v1/admin/platforms', { name: 'Slugged 2', slug: 'slugged' }), 409, 'conflict');
      expectApiError(await client(gw.url, platformKey).patch(base(), { slug: 'slugged' }), 409, 'conflict');
    });

    it('a management body over 1 MiB is a 413', async () => {
      const big = JSON.stringify({ external_id: 'big', metadata: { blob: 'x'.repeat(1024 * 1024) } });
      const res = await client(gw.url, platformKey).raw('POST', `${base()}/end-users`, big, { 'content-type': 'application/json' });
      expectApiError(res, 413, 'request_too_large');
      const list = await client(gw.url, platformKey).get(`${base()}/end-users?external_id=big`);
      expect(list.body.total).toBe(0);
    });

    it('metadata over 16 KiB is a 400 on metadata (counted in UTF-8 bytes)', async () => {
      const api = client(gw.url, platformKey);
      const tooBig = await api.post(`${base()}/end-users`, { external_id: 'meta', metadata: { s: 'é'.repeat(9000) } });
      expectApiError(tooBig, 400, 'validation_error', 'metadata');
      const ok = await api.post(`${base()}/end-users`, { external_id: 'meta', metadata: { s: 'x'.repeat(16 * 1024 - 20) } });
      expect(ok.status).toBe(201);
    });
  });

  it('the client request id is echoed when sane and replaced when not', async () => {
    const sane = await client(gw.url).get(base(), { 'x-request-id': 'trace-abc.123' });
    expect(sane.headers.get('x-request-id')).toBe('trace-abc.123');
    expect(sane.body.error.request_id).toBe('trace-abc.123');
    const insane = await client(gw.url).get(base(), { 'x-request-id': 'bad id with spaces' });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const ok = await client(gw.url, platformKey).get(base());
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
