/**
 * The audit log (spec §3b) over real HTTP on each database: one row per write with its exact before/after,
 * secrets never stored, a refused write leaves no row, tenant isolation, filters, pagination, the operator's log.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

type Row = {
  id: string;
  actor: { type: string; id: string; label: string };
  action: string;
  resource_type: string;
  resource_id: string | null;
  changes: Record<string, unknown>;
  request_id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
};

describe.each(dialects)('audit log (%s)', (dialect) => {
  let gw: TestGateway;
  let admin: ReturnType<typeof client>;
  let platformId: string;
  let platformKey: string;
  let api: ReturnType<typeof client>;
  let base: string;

  const newest = async (query = ''): Promise<Row> => {
    const res = await api.get(`${base}/audit-log?limit=1${query}`);
    expect(res.status).toBe(200);
    return res.body.data[0];
  };
  const count = async () => Number((await api.get(`${base}/audit-log`)).body.total);

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    admin = client(gw.url, gw.adminKey);
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Audited'));
    api = client(gw.url, platformKey);
    base = `/v1/platforms/${platformId}`;
  });
  afterAll(() => gw?.close());

  it('records a wallet top-up with the actor, the balance before and after, and the request', async () => {
    const res = await api.post(`${base}/wallet/topup`, { amount: 12.5 }, { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-topup-1' });
    expect(res.status).toBe(201);
    const row = await newest();
    const prefix = platformKey.slice(0, 12);
    expect(row).toMatchObject({
      actor: { type: 'platform_key', label: prefix },
      action: 'wallet.topup',
      resource_type: 'wallet',
      resource_id: res.body.data.wallet.id,
      changes: { balance: [0, 12.5] },
      user_agent: 'audit-test/1.0',
      ip: '127.0.0.1',
    });
    expect(row.request_id).toBe(res.headers.get('x-request-id'));
    const second = await api.post(`${base}/wallet/topup`, { amount: 0.000001 });
    expect(second.status).toBe(201);
    expect((await newest()).changes).toEqual({ balance: [12.5, 12.500001] });
  });

  it('records budget updates and top-ups with exact before/after values, only the fields that changed', async () => {
    const user = await api.post(`${base}/end-users`, { external_id: 'audit-user', display_name: 'Ann' });
    const endUserId = user.body.data.id;
    const created = await newest();
    expect(created).toMatchObject({ action: 'end_user.create', resource_id: endUserId });
    expect(created.changes).toMatchObject({ external_id: [null, 'audit-user'], display_name: [null, 'Ann'], is_active: [null, true] });

    const budgetPath = `${base}/end-users/${endUserId}/budget`;
    expect((await api.post(budgetPath, { max_usd: 5, period: 'monthly' })).status).toBe(201);
    expect((await newest()).action).toBe('budget.create');
    expect((await api.patch(budgetPath, { max_usd: 7, is_suspended: true })).status).toBe(200);
    const update = await newest();
    expect(update).toMatchObject({ action: 'budget.update', resource_type: 'budget' });
    expect(update.changes).toEqual({ max_usd: [5, 7], is_suspended: [false, true] });
    expect((await api.post(`${budgetPath}/topup`, { amount: 1.25 })).status).toBe(201);
    expect((await newest()).changes).toEqual({ max_usd: [7, 8.25] });

    expect((await api.patch(`${base}/end-users/${endUserId}`, { display_name: 'Bea' })).status).toBe(200);
    expect((await newest()).changes).toEqual({ display_name: ['Ann', 'Bea'] });
    expect((await api.put(`${base}/end-users/${endUserId}/rate-limits`, { rpm_limit: 60 })).status).toBe(200);
    expect(await newest()).toMatchObject({ action: 'rate_limit.update', changes: { rpm_limit: [null, 60] } });
  });

  it('never stores a secret: keys, provider keys and webhook secrets appear only as "changed"', async () => {
    const key = await api.post(`${base}/api-keys`, { name: 'ci' });
    expect(key.status).toBe(201);
    const rawKey: string = key.body.data.raw_key;
    expect(await newest()).toMatchObject({ action: 'api_key.create', resource_id: key.body.data.id, changes: { name: [null, 'ci'] } });

    const providers = await admin.get('/v1/admin/providers?limit=100');
    const openai = providers.body.data.find((p: { slug: string }) => p.slug === 'openai');
    const providerKey = `sk-provider-secret-${'x'.repeat(20)}-AUDIT`;
    const config = await api.post(`${base}/llm-configs`, { provider_id: openai.id, api_key: providerKey });
    expect(config.status).toBe(201);
    expect((await newest()).changes).toMatchObject({ api_key: 'changed', name: [null, 'OpenAI'], is_default: [null, true] });
    const rotatedProviderKey = `sk-provider-rotated-${'y'.repeat(20)}-AUDIT`;
    expect((await api.patch(`${base}/llm-configs/${config.body.data.id}`, { api_key: rotatedProviderKey, priority: 5 })).status).toBe(200);
    expect((await newest()).changes).toEqual({ api_key: 'changed', priority: [100, 5] });

    const hook = await api.post(`${base}/webhooks`, { url: 'https://hooks.example.com/in', events: ['wallet.topped_up'] });
    expect(hook.status).toBe(201);
    const webhookSecret: string = hook.body.data.secret;
    expect((await newest()).changes).toMatchObject({ secret: 'changed', url: [null, 'https://hooks.example.com/in'] });
    const rotated = await api.post(`${base}/webhooks/${hook.body.data.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(await newest()).toMatchObject({ action: 'webhook.rotate_secret', changes: { secret: 'changed' } });

    expect((await api.delete(`${base}/api-keys/${key.body.data.id}`)).status).toBe(204);
    expect(await newest()).toMatchObject({
      action: 'api_key.revoke',
      resource_id: key.body.data.id,
      changes: { is_active: [true, false] },
    });

    // The whole table as text, on the database itself: no secret, no key hash, not even the sealed provider key.
    const stored = await gw.ctx.store.db.selectFrom('audit_log').selectAll().execute();
    const text = JSON.stringify(stored);
    const sealed = await gw.ctx.store.db.selectFrom('llm_configs').select('encrypted_key').execute();
    const hashes = await gw.ctx.store.db.selectFrom('api_keys').select('key_hash').execute();
    for (const secret of [rawKey, platformKey, providerKey, rotatedProviderKey, webhookSecret, rotated.body.data.secret]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 24));
    }
    for (const { encrypted_key } of sealed) expect(text).not.toContain(encrypted_key);
    for (const { key_hash } of hashes) expect(text).not.toContain(key_hash);
  });

  it('a refused write leaves no row: a 409 conflict, a 402 debit, a 404', async () => {
    const before = await count();
    const user = await api.post(`${base}/end-users`, { external_id: 'refused-user' });
    const endUserId = user.body.data.id;
    const budgetPath = `${base}/end-users/${endUserId}/budget`;
    expect((await api.post(budgetPath, { max_usd: 1 })).status).toBe(201);
    expect(await count()).toBe(before + 2);
    expect((await api.post(budgetPath, { max_usd: 1 })).status).toBe(409);
    expect((await api.post(`${budgetPath}/debit`, { amount: 5 })).status).toBe(402);
    expect((await api.patch(`${base}/end-users/00000000-0000-7000-8000-000000000000`, { display_name: 'x' })).status).toBe(404);
    const other = await createPlatform(gw.url, gw.adminKey, 'Slug taken');
    const taken = await admin.get(`/v1/admin/platforms/${other.platformId}`);
    expect((await api.patch(base, { slug: taken.body.data.slug })).status).toBe(409);
    expect(await count()).toBe(before + 2);
  });

  it('an audit row that cannot be written rolls the write back', async () => {
    const wallet = (await api.get(`${base}/wallet`)).body.data;
    // The insert fails on both databases while the table is away; the top-up in the same transaction must go with it.
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(gw.ctx.store.db);
    const keysBefore = (await api.get(`${base}/api-keys?limit=100`)).body.total;
    try {
      const res = await api.post(`${base}/wallet/topup`, { amount: 3 });
      expect(res.status).toBe(500);
      expect((await api.post(`${base}/api-keys`, { name: 'never' })).status).toBe(500);
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(gw.ctx.store.db);
    }
    expect((await api.get(`${base}/wallet`)).body.data.balance).toBe(wallet.balance);
    const txs = await api.get(`${base}/wallet/transactions?limit=100`);
    expect(txs.body.data.filter((t: { amount: number }) => t.amount === 3)).toEqual([]);
    expect((await api.get(`${base}/api-keys?limit=100`)).body.total).toBe(keysBefore);
  });

  it("shows a platform only its own rows; another platform's key cannot read them", async () => {
    const other = await createPlatform(gw.url, gw.adminKey, 'Other tenant');
    const otherApi = client(gw.url, other.platformKey);
    expect((await otherApi.post(`/v1/platforms/${other.platformId}/wallet/topup`, { amount: 1 })).status).toBe(201);
    const mine = await api.get(`${base}/audit-log?limit=100`);
    expect(mine.body.data.every((r: Row & { platform_id: string }) => r.platform_id === platformId)).toBe(true);
    const theirs = await otherApi.get(`/v1/platforms/${other.platformId}/audit-log?limit=100`);
    expect(theirs.body.data.map((r: Row) => r.action).sort()).toEqual(['platform.create', 'wallet.topup']);
    expect(theirs.body.data.find((r: Row) => r.action === 'platform.create').actor).toEqual({
      type: 'admin_key',
      id: 'admin',
      label: 'admin key',
    });
    const cross = await otherApi.get(`${base}/audit-log`);
    expect(cross.status).toBe(403);
    expect(cross.body.error.code).toBe('forbidden');
  });

  it('filters by action, resource_type, actor and time, pages newest first, and names a bad filter', async () => {
    const all = await api.get(`${base}/audit-log?limit=100`);
    const total = all.body.total;
    expect(all.body.data.length).toBe(total);
    const ids = all.body.data.map((r: Row) => r.id);
    expect([...ids].sort().reverse()).toEqual(ids);

    const topups = await api.get(`${base}/audit-log?action=wallet.topup&limit=100`);
    expect(topups.body.total).toBe(all.body.data.filter((r: Row) => r.action === 'wallet.topup').length);
    expect(topups.body.data.every((r: Row) => r.action === 'wallet.topup')).toBe(true);
    const budgets = await api.get(`${base}/audit-log?resource_type=budget&limit=100`);
    expect(budgets.body.total).toBe(all.body.data.filter((r: Row) => r.resource_type === 'budget').length);
    const byAdmin = await api.get(`${base}/audit-log?actor=admin&limit=100`);
    expect(byAdmin.body.data.map((r: Row) => r.action)).toEqual(['platform.create']);
    const byKey = await api.get(`${base}/audit-log?actor=${platformKey.slice(0, 12)}&limit=100`);
    expect(byKey.body.total).toBe(total - 1);

    const page1 = await api.get(`${base}/audit-log?limit=2&page=1`);
    const page2 = await api.get(`${base}/audit-log?limit=2&page=2`);
    expect(page1.body).toMatchObject({ total, page: 1, limit: 2 });
    expect([...page1.body.data, ...page2.body.data].map((r: Row) => r.id)).toEqual(ids.slice(0, 4));

    const future = await api.get(`${base}/audit-log?from=2999-01-01T00:00:00Z`);
    expect(future.body).toMatchObject({ data: [], total: 0 });
    const past = await api.get(`${base}/audit-log?to=2000-01-01T00:00:00Z`);
    expect(past.body.total).toBe(0);
    const window = await api.get(`${base}/audit-log?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&limit=1`);
    expect(window.body.total).toBe(total);

    for (const [query, param] of [
      ['from=yesterday', 'from'],
      ['to=2026-13-01', 'to'],
      ['action=DROP%20TABLE', 'action'],
      ['resource_type=a.b', 'resource_type'],
      ['limit=500', 'limit'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ] as const) {
      const bad = await api.get(`${base}/audit-log?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'validation_error', param });
    }
  });

  it("lists the operator's own actions on GET /v1/admin/audit-log (not the platforms'), and only for the admin key", async () => {
    const provider = await admin.post('/v1/admin/providers', {
      slug: `audit-${dialect}`,
      name: 'Audit provider',
      kind: 'openai',
      base_url: 'https://llm.example.com/v1',
    });
    expect(provider.status).toBe(201);
    expect((await admin.patch(`/v1/admin/providers/${provider.body.data.id}`, { name: 'Renamed' })).status).toBe(200);
    const log = await admin.get('/v1/admin/audit-log?limit=100');
    expect(log.status).toBe(200);
    expect(log.body.data[0]).toMatchObject({
      action: 'provider.update',
      platform_id: null,
      resource_id: provider.body.data.id,
      actor: { type: 'admin_key' },
      changes: { name: ['Audit provider', 'Renamed'] },
    });
    expect(log.body.data.every((r: Row) => r.actor.type === 'admin_key' || r.actor.type === 'operator')).toBe(true);
    expect(log.body.data.some((r: Row) => r.action === 'wallet.topup')).toBe(false);
    expect((await api.get('/v1/admin/audit-log')).status).toBe(403);
  });

  it("deleting a platform purges its rows and records the deletion in the operator's log", async () => {
    const doomed = await createPlatform(gw.url, gw.adminKey, 'Doomed');
    const doomedApi = client(gw.url, doomed.platformKey);
    expect((await doomedApi.post(`/v1/platforms/${doomed.platformId}/wallet/topup`, { amount: 1 })).status).toBe(201);
    expect((await doomedApi.delete(`/v1/platforms/${doomed.platformId}`)).status).toBe(204);
    const left = await gw.ctx.store.db.selectFrom('audit_log').select('action').where('platform_id', '=', doomed.platformId).execute();
    expect(left).toEqual([]);
    const log = await admin.get('/v1/admin/audit-log?action=platform.delete');
    expect(log.body.data[0]).toMatchObject({ resource_id: doomed.platformId, platform_id: null, actor: { type: 'platform_key' } });
    expect(log.body.data[0].changes.name).toEqual(['Doomed', null]);
  });
});
