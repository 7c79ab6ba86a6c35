/**
 * Every management write is audited, generated from /openapi.json (spec §3b): each POST/PATCH/PUT/DELETE under
 * /v1/admin and /v1/platforms/{platformId} is called once with a request that succeeds, and must add exactly one
 * audit row naming the action. A new write route fails here until it has a request below (and writes its row),
 * or is allow-listed with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

/**
 * Writes that change no configuration, money, key or member, so they record no audit row: they (re)send a
 * webhook delivery, which the deliveries list already records with its status.
 */
const notAudited = new Set([
  'post /v1/platforms/{platformId}/webhooks/{webhookId}/test',
  'post /v1/platforms/{platformId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
]);

type Call = { path: string; body?: unknown; admin?: boolean };
type Fixture = { action: string; call: () => Promise<Call> };

describe.each(dialects)('every management write is audited (%s)', (dialect) => {
  let gw: TestGateway;
  let admin: ReturnType<typeof client>;
  let api: ReturnType<typeof client>;
  let p: string;
  let providerId: string;

  const ok = async (res: Promise<{ status: number; body: any }>) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`set-up failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body?.data;
  };
  const newUser = async () => (await ok(api.post(`${p}/end-users`, { external_id: `u-${Math.random()}` }))).id as string;
  const newConfig = async () =>
    (await ok(api.post(`${p}/llm-configs`, { provider_id: providerId, api_key: 'sk-test-provider-key-1234' }))).id;
  const newWebhook = async () => (await ok(api.post(`${p}/webhooks`, { url: 'https://hooks.example.com/a', events: ['*'] }))).id;
  const newModel = async () =>
    (
      await ok(
        admin.post('/v1/admin/models', {
          slug: `m-${Math.random().toString(36).slice(2)}`,
          provider_id: providerId,
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 2,
          max_output_tokens: 100,
        }),
      )
    ).id;
  const newMember = async () => (await ok(api.post(`${p}/members`, { email: `m${Math.random()}@example.com`, role: 'viewer' }))).member.id;
  const withBudget = async () => {
    const u = await newUser();
    await ok(api.post(`${p}/end-users/${u}/budget`, { max_usd: 5 }));
    return u;
  };

  const fixtures: Record<string, Fixture> = {
    'post /v1/admin/providers': {
      action: 'provider.create',
      call: async () => ({
        admin: true,
        path: '/v1/admin/providers',
        body: { slug: `prov-${Date.now()}`, name: 'P', kind: 'openai', base_url: 'https://x.example.com' },
      }),
    },
    'patch /v1/admin/providers/{providerId}': {
      action: 'provider.update',
      call: async () => ({ admin: true, path: `/v1/admin/providers/${providerId}`, body: { is_active: true } }),
    },
    'post /v1/admin/models': {
      action: 'model_route.create',
      call: async () => ({
        admin: true,
        path: '/v1/admin/models',
        body: { slug: 'cov-model', provider_id: providerId, input_usd_per_mtok: 1, output_usd_per_mtok: 2, max_output_tokens: 10 },
      }),
    },
    'patch /v1/admin/models/{modelId}': {
      action: 'model_route.update',
      call: async () => ({ admin: true, path: `/v1/admin/models/${await newModel()}`, body: { priority: 7 } }),
    },
    'delete /v1/admin/models/{modelId}': {
      action: 'model_route.delete',
      call: async () => ({ admin: true, path: `/v1/admin/models/${await newModel()}` }),
    },
    'post /v1/admin/platforms': {
      action: 'platform.create',
      call: async () => ({ admin: true, path: '/v1/admin/platforms', body: { name: 'Cov' } }),
    },
    'patch /v1/admin/platforms/{platformId}': {
      action: 'platform.update',
      call: async () => ({ admin: true, path: `/v1/admin/platforms/${p.split('/').pop()}`, body: { name: 'Renamed by operator' } }),
    },
    'post /v1/admin/platforms/{platformId}/wallet/adjustments': {
      action: 'wallet.adjust',
      call: async () => ({
        admin: true,
        path: `/v1/admin/platforms/${p.split('/').pop()}/wallet/adjustments`,
        body: { amount: 2, description: 'credit' },
      }),
    },
    'patch /v1/platforms/{platformId}': { action: 'platform.update', call: async () => ({ path: p, body: { name: 'Renamed' } }) },
    'post /v1/platforms/{platformId}/api-keys': { action: 'api_key.create', call: async () => ({ path: `${p}/api-keys`, body: {} }) },
    'delete /v1/platforms/{platformId}/api-keys/{keyId}': {
      action: 'api_key.revoke',
      call: async () => ({ path: `${p}/api-keys/${(await ok(api.post(`${p}/api-keys`, {}))).id}` }),
    },
    'post /v1/platforms/{platformId}/llm-configs': {
      action: 'llm_config.create',
      call: async () => ({ path: `${p}/llm-configs`, body: { provider_id: providerId, api_key: 'sk-another-provider-key-99' } }),
    },
    'patch /v1/platforms/{platformId}/llm-configs/{configId}': {
      action: 'llm_config.update',
      call: async () => ({ path: `${p}/llm-configs/${await newConfig()}`, body: { priority: 3 } }),
    },
    'delete /v1/platforms/{platformId}/llm-configs/{configId}': {
      action: 'llm_config.delete',
      call: async () => ({ path: `${p}/llm-configs/${await newConfig()}` }),
    },
    'post /v1/platforms/{platformId}/end-users': {
      action: 'end_user.create',
      call: async () => ({ path: `${p}/end-users`, body: { external_id: 'cov' } }),
    },
    'patch /v1/platforms/{platformId}/end-users/{endUserId}': {
      action: 'end_user.update',
      call: async () => ({ path: `${p}/end-users/${await newUser()}`, body: { display_name: 'x' } }),
    },
    'delete /v1/platforms/{platformId}/end-users/{endUserId}': {
      action: 'end_user.delete',
      call: async () => ({ path: `${p}/end-users/${await newUser()}` }),
    },
    'post /v1/platforms/{platformId}/end-users/{endUserId}/api-keys': {
      action: 'api_key.create',
      call: async () => ({ path: `${p}/end-users/${await newUser()}/api-keys`, body: {} }),
    },
    'patch /v1/platforms/{platformId}/wallet': {
      action: 'wallet.update',
      call: async () => ({ path: `${p}/wallet`, body: { low_balance_threshold: 1 } }),
    },
    'post /v1/platforms/{platformId}/wallet/topup': {
      action: 'wallet.topup',
      call: async () => ({ path: `${p}/wallet/topup`, body: { amount: 10 } }),
    },
    'post /v1/platforms/{platformId}/end-users/{endUserId}/budget': {
      action: 'budget.create',
      call: async () => ({ path: `${p}/end-users/${await newUser()}/budget`, body: { max_usd: 3 } }),
    },
    'patch /v1/platforms/{platformId}/end-users/{endUserId}/budget': {
      action: 'budget.update',
      call: async () => ({ path: `${p}/end-users/${await withBudget()}/budget`, body: { max_usd: 9 } }),
    },
    'delete /v1/platforms/{platformId}/end-users/{endUserId}/budget': {
      action: 'budget.delete',
      call: async () => ({ path: `${p}/end-users/${await withBudget()}/budget` }),
    },
    'post /v1/platforms/{platformId}/end-users/{endUserId}/budget/topup': {
      action: 'budget.topup',
      call: async () => ({ path: `${p}/end-users/${await withBudget()}/budget/topup`, body: { amount: 1 } }),
    },
    'post /v1/platforms/{platformId}/end-users/{endUserId}/budget/debit': {
      action: 'budget.debit',
      call: async () => ({ path: `${p}/end-users/${await withBudget()}/budget/debit`, body: { amount: 1 } }),
    },
    'put /v1/platforms/{platformId}/rate-limits': {
      action: 'rate_limit.update',
      call: async () => ({ path: `${p}/rate-limits`, body: { rpm_limit: 10 } }),
    },
    'put /v1/platforms/{platformId}/end-users/{endUserId}/rate-limits': {
      action: 'rate_limit.update',
      call: async () => ({ path: `${p}/end-users/${await newUser()}/rate-limits`, body: { rpm_limit: 5 } }),
    },
    'delete /v1/platforms/{platformId}/end-users/{endUserId}/rate-limits': {
      action: 'rate_limit.delete',
      call: async () => {
        const u = await newUser();
        await ok(api.put(`${p}/end-users/${u}/rate-limits`, { rpm_limit: 5 }));
        return { path: `${p}/end-users/${u}/rate-limits` };
      },
    },
    'post /v1/platforms/{platformId}/webhooks': {
      action: 'webhook.create',
      call: async () => ({ path: `${p}/webhooks`, body: { url: 'https://hooks.example.com/b', events: ['*'] } }),
    },
    'patch /v1/platforms/{platformId}/webhooks/{webhookId}': {
      action: 'webhook.update',
      call: async () => ({ path: `${p}/webhooks/${await newWebhook()}`, body: { description: 'd' } }),
    },
    'delete /v1/platforms/{platformId}/webhooks/{webhookId}': {
      action: 'webhook.delete',
      call: async () => ({ path: `${p}/webhooks/${await newWebhook()}` }),
    },
    'post /v1/platforms/{platformId}/webhooks/{webhookId}/rotate-secret': {
      action: 'webhook.rotate_secret',
      call: async () => ({ path: `${p}/webhooks/${await newWebhook()}/rotate-secret`, body: {} }),
    },
    'post /v1/platforms/{platformId}/members': {
      action: 'member.invite',
      call: async () => ({ path: `${p}/members`, body: { email: 'cov@example.com', role: 'developer' } }),
    },
    'patch /v1/platforms/{platformId}/members/{memberId}': {
      action: 'member.update',
      call: async () => ({ path: `${p}/members/${await newMember()}`, body: { role: 'billing' } }),
    },
    'delete /v1/platforms/{platformId}/members/{memberId}': {
      action: 'member.remove',
      call: async () => ({ path: `${p}/members/${await newMember()}` }),
    },
    // Last: it deletes the platform (its rows are purged; the deletion is the operator's row).
    'delete /v1/platforms/{platformId}': { action: 'platform.delete', call: async () => ({ path: p }) },
  };

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    admin = client(gw.url, gw.adminKey);
    const created = await createPlatform(gw.url, gw.adminKey, 'Coverage');
    api = client(gw.url, created.platformKey);
    p = `/v1/platforms/${created.platformId}`;
    providerId = (await admin.get('/v1/admin/providers?limit=100')).body.data.find((x: { slug: string }) => x.slug === 'openai').id;
  });
  afterAll(() => gw?.close());

  it('has a request (or a stated reason) for every write route in the OpenAPI document', async () => {
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    const writes = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'patch', 'put', 'delete'].includes(m))
        .filter(() => path.startsWith('/v1/admin/') || path.startsWith('/v1/platforms/{platformId}'))
        .map((m) => `${m} ${path}`),
    );
    expect(writes.length).toBeGreaterThan(30);
    expect(writes.filter((w) => !(w in fixtures) && !notAudited.has(w))).toEqual([]);
    expect(Object.keys(fixtures).filter((f) => !writes.includes(f))).toEqual([]);
  });

  it('each write that succeeds adds exactly one audit row naming it', async () => {
    const rows = () => gw.ctx.store.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').execute();
    for (const [route, fixture] of Object.entries(fixtures)) {
      const call = await fixture.call();
      const before = await rows();
      const method = route.split(' ')[0].toUpperCase();
      const res = await (call.admin ? admin : api).raw(method, call.path, call.body);
      expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      const after = await rows();
      const added = after.filter((r) => !before.some((b) => b.id === r.id));
      expect(
        added.map((r) => r.action),
        route,
      ).toEqual([fixture.action]);
      expect(added[0].request_id, route).toBe(res.headers.get('x-request-id'));
    }
  });
});
