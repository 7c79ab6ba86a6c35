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
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Runs per route and dialect: about 50 routes × this many calls stays well under a minute per dialect. */
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 20);
process.stdout.write(`[management fuzz] seed=${seed} runs/route=${runsPerRoute} (replay with FUZZ_SEED=${seed})\n`);

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
};
type Param = { name: string; in: 'path' | 'query'; schema: JsonSchema };
type Route = { method: string; path: string; params: Param[]; query: Param[]; body: JsonSchema | null };
type Tenant = { platformId: string; platformKey: string; endUserId: string; endUserKey: string; configId: string; spareKeyId: string };
type Call = {
  key: 'admin' | 'platform' | 'end_user' | 'none';
  path: Record<string, string>;
  query: Array<[string, string]>;
  body: unknown;
  idempotencyKey: string | null;
};

/** Placeholders the generator emits for real ids; resolved against the current tenant when the call is made. */
const ref = (name: string) => `@@ref:${name}`;
const unknownId = '0190f7a0-0000-7000-8000-00000000dead';

// ---------- hostile values ----------
const nest = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { d: v };
  return v;
};
const loneSurrogates = fc.constantFrom('\ud800', 'a\udfffb', '\udc00\ud800', 'x'.repeat(10) + '\ud83d');
const unicode = fc.string({ unit: 'binary', maxLength: 40 });
const oddNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  1e-7,
  0.1 + 0.2,
  1e21,
  1e308,
  -1e308,
  2 ** 53,
  2 ** 53 + 2,
  1.0000001,
  123456.1234567,
  5e-324,
);
const hugeStrings = fc.constantFrom('x'.repeat(300_000), 'é'.repeat(100_000), '\u{1F600}'.repeat(20_000));
const oddStrings = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e3',
  'NaN',
  'Infinity',
  'null',
  'true',
  '1.0000001',
  '../../etc/passwd',
  '%00',
  "'; DROP TABLE end_users; --",
  '\u0000',
  '\u202e',
  unknownId,
  'sk-plat_x',
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(null),
  hugeStrings,
  fc.integer({ min: 10, max: 70 }).map(nest),
  loneSurrogates,
  unicode,
  oddNumbers,
  oddStrings,
  fc.constantFrom([], {}, [null], { __proto__: null }, true, false),
);
/** Whole bodies that are not even JSON (sent as text). */
const rawBodies = fc.constantFrom(
  '{',
  '[1,',
  'nul',
  '{"a":1}}',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"__proto__":{"x":1}}',
  ' ',
  '\ufeff{}',
  '1e999',
);
const rawMarker = Symbol('raw');

// ---------- valid-ish values from a JSON schema ----------
function stringFor(s: JsonSchema, name: string): fc.Arbitrary<string> {
  if (name === 'provider_id') return fc.oneof(fc.constant(ref('providerId')), fc.uuid());
  if (name === 'end_user_id') return fc.oneof(fc.constant(ref('endUserId')), fc.uuid());
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time' || name === 'expires_at' || name === 'from' || name === 'to') {
    return fc.constantFrom(
      '2031-01-01T00:00:00Z',
      '2031-06-01T12:00:00.000+02:00',
      '2020-01-01T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2031-01-01',
    );
  }
  if (s.format === 'uri' || name.endsWith('url'))
    return fc.constantFrom('https://example.com/v1', 'http://127.0.0.1:9/v1', 'ftp://x', 'not a url');
  if (s.pattern) {
    try {
      const max = Math.min(s.maxLength ?? 30, 30);
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= (s.minLength ?? 0) && v.length <= max);
    } catch {
      // a pattern JavaScript cannot compile: fall through to plain strings
    }
  }
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.max(s.minLength ?? 0, Math.min(s.maxLength ?? 30, 30)) });
}

function numberFor(s: JsonSchema, name: string, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -5);
  const max = Math.min(s.maximum ?? 1_000_000, 1_000_000);
  if (integer) return fc.integer({ min: Math.max(min, -1_000_000), max: Math.max(min, max) });
  // Money-like fields: cents and micro-dollars mostly, the odd value beyond 6 decimals.
  if (/usd|amount|threshold|markup|mtok/.test(name)) {
    return fc.oneof(
      fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100),
      fc.integer({ min: 1, max: 10_000 }).map((m) => m / 1_000_000),
      fc.constant(1.0000001),
    );
  }
  return fc.double({ min: Math.max(min, -1e6), max, noNaN: true });
}

function validish(s: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((member) => validish(member, name)));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => validish({ ...s, type: t }, name)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberFor(s, name, true);
    case 'number':
      return numberFor(s, name, false);
    case 'string':
      return stringFor(s, name);
    case 'array':
      return fc.array(validish(s.items ?? {}, name), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object': {
      if (!s.properties) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      const props = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, validish(v, k)]));
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A body for the route: valid-ish, valid-ish with one field made hostile (or an extra one), wholly hostile, or not JSON. */
function bodyFor(route: Route): fc.Arbitrary<unknown> {
  if (route.method === 'GET') return fc.constant(undefined); // fetch cannot send one
  if (!route.body) return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostile });
  const schema = route.body;
  const names = [...Object.keys(schema.properties ?? {}), 'extra_field', '__proto__', 'constructor'];
  const mutated = fc
    .tuple(validish(schema), fc.constantFrom(...names), hostile)
    .map(([base, k, v]) => (base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...base, [k]: v } : base));
  return fc.oneof(
    { weight: 4, arbitrary: validish(schema) },
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: rawBodies.map((text) => ({ [rawMarker]: text })) },
  );
}

function pathValue(name: string): fc.Arbitrary<string> {
  const hostilePath = fc.oneof(
    fc.uuid(),
    oddStrings.filter((v) => v !== ''),
    unicode.filter((v) => v !== ''),
    fc.constant('x'.repeat(2000)),
  );
  return fc.oneof({ weight: 6, arbitrary: fc.constant(ref(name)) }, { weight: 1, arbitrary: hostilePath });
}

function queryFor(route: Route): fc.Arbitrary<Array<[string, string]>> {
  const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  const one = (p: Param) =>
    fc.option(
      fc
        .oneof({ weight: 3, arbitrary: validish(p.schema, p.name).map(asText) }, { weight: 1, arbitrary: hostile.map(asText) })
        .map((v) => [p.name, v] as [string, string]),
      { freq: 2 },
    );
  // Unknown names, and known ones again (a repeated parameter arrives as an array).
  const extra = fc.option(fc.tuple(fc.constantFrom('extra', 'page[]', '__proto__', 'page', 'limit', 'type'), oddStrings), { freq: 4 });
  return fc
    .tuple(fc.tuple(...route.query.map(one)), extra)
    .map(([given, x]) => [...given, ...(x ? [x] : [])].filter((e): e is [string, string] => e !== null));
}

function callFor(route: Route): fc.Arbitrary<Call> {
  const own: Call['key'] = route.path.startsWith('/v1/admin/') ? 'admin' : route.path.startsWith('/v1/me') ? 'end_user' : 'platform';
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constantFrom<Call['key']>('admin', 'platform', 'end_user', 'none') },
  );
  const path = fc.record(Object.fromEntries(route.params.map((p) => [p.name, pathValue(p.name)])));
  // Idempotency-Key on writes: short, reused across calls (so replays and 409s happen), or over the 255 limit.
  const idempotencyKey = fc.option(
    fc.oneof(
      fc.constantFrom('k1', 'k2', 'k3'),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }),
      fc.constant('k'.repeat(300)),
    ),
    {
      freq: 4,
    },
  );
  return fc.record({ key, path, query: queryFor(route), body: bodyFor(route), idempotencyKey }) as fc.Arbitrary<Call>;
}

// ---------- invariants ----------
const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

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
