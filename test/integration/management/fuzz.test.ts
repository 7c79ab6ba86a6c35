/**
 * Schema fuzzing of every management route, generated from the server's own /openapi.json (so a route added
 * later is fuzzed without touching this file). fast-check draws path parameters, query strings and bodies —
 * valid-ish ones from each route's JSON schema, and hostile ones: wrong types, nulls, huge and unicode strings,
 * lone surrogates, deep objects, odd numbers, extra and prototype-named fields, bodies that are not JSON.
 * Invariants after every call: never a 5xx; every 4xx is the spec §1 error shape with the response's request
 * id; a refused write (4xx) changed nothing: no row of any table the management API writes (platforms, API
 * keys, end users, llm-configs, wallets and their ledger, budgets and theirs, rate limits, providers, model
 * routes) and not the wallet's balance and reserved as the API reports them. Seeded: the seed is printed,
 * FUZZ_SEED=<n> replays a run.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeByStatus } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { type Call, callFor, type JsonSchema, type Param, type Route, rawMarker, unknownId } from './fuzz-requests.js';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Runs per route and dialect: about 50 routes × this many calls stays well under a minute per dialect. */
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 30);
process.stdout.write(`[management fuzz] seed=${seed} runs/route=${runsPerRoute} (replay with FUZZ_SEED=${seed})\n`);

type Tenant = { platformId: string; platformKey: string; endUserId: string; endUserKey: string; configId: string; spareKeyId: string };

// ---------- invariants ----------

function checkErrorShape(label: string, status: number, headers: Headers, text: string) {
  let body: { error?: Record<string, unknown> };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${label}: ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  const e = body.error;
  expect(e && Object.keys(e).sort(), `${label}: ${text.slice(0, 300)}`).toEqual(['code', 'message', 'param', 'request_id', 'type']);
  if (!e) return;
  expect(typeof e.message === 'string' && e.message.length > 5, label).toBe(true);
  expect(typeof e.code, label).toBe('string');
  expect(e.param === null || typeof e.param === 'string', label).toBe(true);
  expect(e.request_id, label).toBe(headers.get('x-request-id'));
  expect(e.type, label).toBe(typeByStatus[status] ?? 'invalid_request_error');
}

/** Drops what moves without any write: when a key was last used. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'last_used_at')
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

describe.each(dialects)('management fuzz (%s)', (dialect) => {
  let gw: TestGateway;
  let routes: Route[];
  let t: Tenant;
  let providerId: string;
  let modelId: string;
  const statuses = new Map<number, number>();

  async function newTenant(): Promise<Tenant> {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, `Fuzz ${Date.now()}`);
    const api = client(gw.url, platformKey);
    const base = `/v1/platforms/${platformId}`;
    await api.post(`${base}/wallet/topup`, { amount: 100 });
    const tenant = { platformId, platformKey } as Tenant;
    await repairTenant(tenant);
    return tenant;
  }

  /** Puts back what a successful fuzzed write removed or switched off: the fixture end user, llm-config, spare key, provider. */
  async function repairTenant(tenant: Tenant) {
    const db = gw.ctx.store.db;
    const api = client(gw.url, tenant.platformKey);
    const base = `/v1/platforms/${tenant.platformId}`;
    const provider = await db.selectFrom('providers').select('is_active').where('id', '=', providerId).executeTakeFirst();
    if (Number(provider?.is_active) !== 1)
      await client(gw.url, gw.adminKey).patch(`/v1/admin/providers/${providerId}`, { is_active: true });
    const user = tenant.endUserId
      ? await db.selectFrom('end_users').select('is_active').where('id', '=', tenant.endUserId).executeTakeFirst()
      : undefined;
    if (Number(user?.is_active) !== 1) {
      const eu = await api.post(`${base}/end-users`, { external_id: `fuzz-user-${Date.now()}-${Math.random()}` });
      if (eu.status !== 201) throw new Error(`repair: end user ${eu.status} ${JSON.stringify(eu.body)}`);
      tenant.endUserId = eu.body.data.id;
      tenant.endUserKey = eu.body.data.api_key.raw_key;
      await api.post(`${base}/end-users/${tenant.endUserId}/budget`, { max_usd: 50 });
    }
    const config = tenant.configId
      ? await db.selectFrom('llm_configs').select('id').where('id', '=', tenant.configId).executeTakeFirst()
      : undefined;
    if (!config) {
      const created = await api.post(`${base}/llm-configs`, { provider_id: providerId, api_key: 'sk-fuzz-provider-key' });
      if (created.status !== 201) throw new Error(`repair: llm-config ${created.status} ${JSON.stringify(created.body)}`);
      tenant.configId = created.body.data.id;
    }
    const spare = tenant.spareKeyId
      ? await db.selectFrom('api_keys').select('is_active').where('id', '=', tenant.spareKeyId).executeTakeFirst()
      : undefined;
    if (Number(spare?.is_active) !== 1) tenant.spareKeyId = (await api.post(`${base}/api-keys`, { name: 'spare' })).body.data.id;
  }

  async function ensureTenant() {
    const row = await gw.ctx.store.db.selectFrom('platforms').select('is_active').where('id', '=', t.platformId).executeTakeFirst();
    if (Number(row?.is_active) !== 1) t = await newTenant();
    else await repairTenant(t);
  }

  /**
   * Every row the management API can write, straight from the database (so a partial write to any table
   * shows), plus the tenant's wallet as the API reports it (balance and reserved, holds in memory included).
   */
  async function snapshot() {
    const db = gw.ctx.store.db;
    const tables = [
      'platforms',
      'api_keys',
      'end_users',
      'llm_configs',
      'wallets',
      'wallet_transactions',
      'budgets',
      'budget_transactions',
      'rate_limits',
      'providers',
      'model_routes',
    ] as const;
    const dump: Record<string, string[]> = {};
    await Promise.all(
      tables.map(async (table) => {
        const rows = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
        dump[table] = rows.map((r) => JSON.stringify(stable(r))).sort();
      }),
    );
    const wallet = (await client(gw.url, gw.adminKey).get(`/v1/platforms/${t.platformId}/wallet`)).body;
    return { dump, wallet: { balance: wallet.data?.balance, reserved: wallet.data?.reserved, available: wallet.data?.available } };
  }

  function resolveRefs(value: unknown): unknown {
    if (typeof value === 'string' && value.startsWith('@@ref:')) {
      const ids: Record<string, string> = {
        platformId: t.platformId,
        endUserId: t.endUserId,
        configId: t.configId,
        keyId: t.spareKeyId,
        providerId,
        modelId,
      };
      return ids[value.slice('@@ref:'.length)] ?? unknownId;
    }
    if (Array.isArray(value)) return value.map(resolveRefs);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v)]));
    return value;
  }

  async function run(route: Route, call: Call) {
    const keys = { admin: gw.adminKey, platform: t.platformKey, end_user: t.endUserKey, none: undefined };
    const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(resolveRefs(call.path[name]))));
    const query = new URLSearchParams(call.query.map(([k, v]) => [k, String(resolveRefs(v))])).toString();
    const url = `${gw.url}${path}${query ? `?${query}` : ''}`;
    const raw =
      call.body !== null && typeof call.body === 'object' && rawMarker in call.body
        ? (call.body as Record<symbol, string>)[rawMarker]
        : undefined;
    const body = raw ?? (call.body === undefined ? undefined : JSON.stringify(resolveRefs(call.body)));
    const write = route.method !== 'GET';
    const before = write ? await snapshot() : null;
    const key = keys[call.key];
    const res = await fetch(url, {
      method: route.method,
      headers: {
        ...(key && { authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(call.idempotencyKey !== null && { 'idempotency-key': call.idempotencyKey }),
      },
      body,
    });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const label = `[seed ${seed}] ${route.method} ${url.slice(gw.url.length, gw.url.length + 300)} body=${(body ?? '').slice(0, 300)}`;
    expect(res.status, `${label}\n→ ${text.slice(0, 500)}`).toBeLessThan(500);
    if (res.status >= 400) checkErrorShape(label, res.status, res.headers, text);
    if (!write) return;
    if (res.status >= 400 && before) expect(await snapshot(), `${label}\nrefused with ${res.status} but changed state`).toEqual(before);
    else await ensureTenant();
  }

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, env: { LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent' } });
    const admin = client(gw.url, gw.adminKey);
    providerId = (await admin.get('/v1/admin/providers')).body.data.find((p: { slug: string }) => p.slug === 'openai').id;
    modelId = (
      await admin.post('/v1/admin/models', {
        slug: 'fuzz-model',
        provider_id: providerId,
        input_usd_per_mtok: 1,
        output_usd_per_mtok: 2,
        max_output_tokens: 100,
      })
    ).body.data.id;
    t = await newTenant();
    const doc = (await client(gw.url).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
    };
    routes = Object.entries(doc.paths)
      .filter(
        ([path]) => path.startsWith('/v1/admin/') || path.startsWith('/v1/platforms/') || path === '/v1/me' || path.startsWith('/v1/me/'),
      )
      .flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map(([m, op]) => ({
            method: m.toUpperCase(),
            path,
            params: (op.parameters ?? []).filter((p) => p.in === 'path'),
            query: (op.parameters ?? []).filter((p) => p.in === 'query'),
            body: op.requestBody?.content['application/json']?.schema ?? null,
          })),
      );
  });
  afterAll(() => gw?.close());

  it('covers every management route of the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(50);
    expect(routes.filter((r) => r.body).length).toBeGreaterThanOrEqual(18);
  });

  it('never answers 5xx, answers every 4xx in the §1 shape, and a refused write changes nothing', async () => {
    const started = Date.now();
    for (const [i, route] of routes.entries()) {
      await fc.assert(
        fc.asyncProperty(callFor(route), (call) => run(route, call)),
        { seed: seed + i, numRuns: runsPerRoute, endOnFailure: true },
      );
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const byStatus = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    process.stdout.write(
      `[management fuzz ${dialect}] ${total} calls on ${routes.length} routes in ${Date.now() - started} ms (${byStatus})\n`,
    );
    expect(total).toBe(routes.length * runsPerRoute);
    // Both sides were exercised: accepted writes and refusals.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(routes.length);
  }, 180_000);
});
