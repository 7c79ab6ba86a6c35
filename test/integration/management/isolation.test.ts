/**
 * Tenant isolation from the outside, for every route in the route table. The table is the server's own
 * OpenAPI document, so a route added later is covered without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

type Route = { method: string; path: string };

type Tenant = { platformId: string; platformKey: string; endUserId: string; endUserKey: string; configId: string; keyId: string };

const unknownId = '0190f7a0-0000-7000-8000-00000000dead';

describe.each(dialects)('tenant isolation on every route (%s)', (dialect) => {
  let gw: TestGateway;
  let routes: Route[];
  let a: Tenant;
  let b: Tenant;
  let providerId: string;
  let modelId: string;

  async function tenant(name: string): Promise<Tenant> {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, name);
    const api = client(gw.url, platformKey);
    const eu = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: `${name}-user`, display_name: name });
    const cfg = await api.post(`/v1/platforms/${platformId}/llm-configs`, { provider_id: providerId, api_key: `sk-${name}-secret` });
    const key = await api.post(`/v1/platforms/${platformId}/api-keys`, { name: `${name} spare` });
    await api.post(`/v1/platforms/${platformId}/wallet/topup`, { amount: 10 });
    return {
      platformId,
      platformKey,
      endUserId: eu.body.data.id,
      endUserKey: eu.body.data.api_key.raw_key,
      configId: cfg.body.data.id,
      keyId: key.body.data.id,
    };
  }

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    const admin = client(gw.url, gw.adminKey);
    const providers = await admin.get('/v1/admin/providers');
    providerId = providers.body.data.find((p: { slug: string }) => p.slug === 'openai').id;
    modelId = (await admin.get('/v1/admin/models?slug=gpt-4o')).body.data[0].id;
    a = await tenant('alpha');
    b = await tenant('beta');
    const doc = (await client(gw.url).get('/openapi.json')).body;
    routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
  });
  afterAll(() => gw?.close());

  /** Fills path parameters with the given tenant's real resources. */
  const fill = (path: string, t: Tenant) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const ids: Record<string, string> = {
        platformId: t.platformId,
        endUserId: t.endUserId,
        configId: t.configId,
        keyId: t.keyId,
        providerId,
        modelId,
      };
      return ids[name] ?? unknownId;
    });
  const call = (key: string | undefined, r: Route, path: string) =>
    client(gw.url, key).raw(r.method, path, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
  const label = (r: Route) => `${r.method} ${r.path}`;

  const platformRoutes = () => routes.filter((r) => r.path.startsWith('/v1/platforms/{platformId}'));
  const adminRoutes = () => routes.filter((r) => r.path.startsWith('/v1/admin/'));
  const meRoutes = () => routes.filter((r) => r.path === '/v1/me' || r.path.startsWith('/v1/me/'));

  it('the route table covers the management API', () => {
    const names = routes.map(label);
    for (const expected of [
      'GET /v1/platforms/{platformId}',
      'DELETE /v1/platforms/{platformId}/api-keys/{keyId}',
      'POST /v1/platforms/{platformId}/end-users',
      'PATCH /v1/platforms/{platformId}/llm-configs/{configId}',
      'POST /v1/platforms/{platformId}/wallet/topup',
      'POST /v1/admin/platforms',
      'GET /v1/me',
    ]) {
      expect(names).toContain(expected);
    }
    expect(platformRoutes().length).toBeGreaterThanOrEqual(18);
  });

  // Sign-in and accepting an invite are how a person gets a credential: the invite token or the password is the credential.
  const publicAuthRoutes = ['POST /v1/auth/invites/{token}', 'POST /v1/auth/sessions'];

  it('the public sign-in routes refuse an unknown invite token (404) and unknown credentials (401)', async () => {
    expect(routes.map(label)).toEqual(expect.arrayContaining(publicAuthRoutes));
    const invite = await client(gw.url).raw('POST', `/v1/auth/invites/${unknownId}`, { password: 'a long enough password' });
    expectApiError(invite, 404, 'not_found');
    const signIn = await client(gw.url).raw('POST', '/v1/auth/sessions', {
      email: 'nobody@example.com',
      password: 'a long enough password',
    });
    expect(signIn.status).toBe(401);
  });

  it('no key is a 401 on every /v1 route', async () => {
    for (const r of routes.filter((x) => x.path.startsWith('/v1/') && !publicAuthRoutes.includes(label(x)))) {
      const res = await call(undefined, r, fill(r.path, b));
      expect(res.status, label(r)).toBe(401);
      // The Messages API answers in Anthropic's error shape (spec §5b), with our §1 code inside.
      if (r.path.startsWith('/v1/messages')) {
        expect(res.body, label(r)).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'invalid_api_key' } });
      } else expectApiError(res, 401, 'invalid_api_key');
    }
  });

  it("a platform key on another platform's path is a 403 on every platform route", async () => {
    for (const r of platformRoutes()) {
      const res = await call(a.platformKey, r, fill(r.path, b));
      expect(res.status, label(r)).toBe(403);
      expectApiError(res, 403, 'forbidden');
    }
  });

  it('an end-user key is a 403 on every management and operator route, even of its own platform', async () => {
    for (const r of [...platformRoutes(), ...adminRoutes()]) {
      const res = await call(a.endUserKey, r, fill(r.path, a));
      expect(res.status, label(r)).toBe(403);
      expectApiError(res, 403, 'forbidden');
    }
  });

  it('a platform key is a 403 on every operator route except the provider list', async () => {
    for (const r of adminRoutes()) {
      const res = await call(a.platformKey, r, fill(r.path, a));
      if (r.method === 'GET' && r.path === '/v1/admin/providers') {
        expect(res.status).toBe(200);
        expect(Object.keys(res.body.data[0]).sort()).toEqual(['id', 'is_active', 'kind', 'name', 'slug']);
        continue;
      }
      expect(res.status, label(r)).toBe(403);
      expectApiError(res, 403, 'forbidden');
    }
  });

  it('platform and operator keys are a 403 on every self-service route', async () => {
    for (const r of meRoutes()) {
      for (const key of [a.platformKey, gw.adminKey]) {
        const res = await call(key, r, r.path);
        expect(res.status, label(r)).toBe(403);
      }
    }
  });

  it("another platform's resources are invisible through one's own paths", async () => {
    const withSubresource = platformRoutes().filter((r) => /\{(endUserId|configId|keyId)\}/.test(r.path));
    expect(withSubresource.length).toBeGreaterThanOrEqual(8);
    for (const r of withSubresource) {
      // A's platform in the path, B's resource ids after it.
      const path = fill(r.path, b).replace(`/v1/platforms/${b.platformId}`, `/v1/platforms/${a.platformId}`);
      const res = await call(a.platformKey, r, path);
      if (r.method === 'GET' || r.method === 'DELETE') expect(res.status, label(r)).toBe(404);
      else expect([400, 404], label(r)).toContain(res.status);
    }
    const api = client(gw.url, a.platformKey);
    for (const list of ['end-users', 'llm-configs', 'api-keys', 'api-keys?type=end_user', 'wallet/transactions']) {
      const res = await api.get(`/v1/platforms/${a.platformId}/${list}`);
      expect(res.status).toBe(200);
      // A's own rows are there (so the checks below run) and B's are not.
      expect(res.body.data.length, list).toBeGreaterThan(0);
      for (const row of res.body.data) {
        expect(JSON.stringify(row)).not.toContain(b.platformId);
        expect([b.endUserId, b.configId, b.keyId]).not.toContain(row.id);
      }
    }
    const filtered = await api.get(`/v1/platforms/${a.platformId}/end-users?external_id=beta-user`);
    expect(filtered.body.total).toBe(0);
  });

  it("after all of the above, the other platform's data is untouched", async () => {
    const api = client(gw.url, b.platformKey);
    const base = `/v1/platforms/${b.platformId}`;
    expect((await api.get(`${base}/end-users/${b.endUserId}`)).body.data.display_name).toBe('beta');
    expect((await api.get(`${base}/llm-configs/${b.configId}`)).body.data).toMatchObject({ is_active: true, key_hint: 'cret' });
    expect((await api.get(`${base}/wallet`)).body.data.balance).toBe(10);
    expect((await api.get(base)).body.data.name).toBe('beta');
    expect((await client(gw.url, b.endUserKey).get('/v1/me')).status).toBe(200);
    const keys = await api.get(`${base}/api-keys`);
    expect(keys.body.data.map((k: { id: string; is_active: boolean }) => [k.id, k.is_active])).toContainEqual([b.keyId, true]);
  });
});
