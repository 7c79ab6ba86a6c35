/**
 * Requests for the management fuzzer, drawn from a route's OpenAPI description: path ids, query strings and
 * bodies, valid-ish from the route's JSON schema or hostile (wrong types, nulls, huge and unicode strings, lone
 * surrogates, deep values, odd numbers, extra and prototype-named fields, bodies that are not JSON), with
 * the key kind and an optional Idempotency-Key.
 */
import fc from 'fast-check';

export type JsonSchema = {
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
export type Param = { name: string; in: 'path' | 'query'; schema: JsonSchema };
export type Route = { method: string; path: string; params: Param[]; query: Param[]; body: JsonSchema | null };
export type Call = {
  key: 'admin' | 'platform' | 'end_user' | 'none';
  path: Record<string, string>;
  query: Array<[string, string]>;
  body: unknown;
  idempotencyKey: string | null;
};

/** Placeholders the generator emits for real ids; resolved against the current tenant when the call is made. */
export const ref = (name: string) => `@@ref:${name}`;
export const unknownId = '0190f7a0-0000-7000-8000-00000000dead';

// ---------- hostile values ----------
const nest = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { d: v };
  return v;
};
const loneSurrogates = fc.constantFrom('\ud800', 'a\udfffb', '\udc00\ud800', `${'x'.repeat(10)}\ud83d`);
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
export const rawMarker = Symbol('raw');

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
  const body = fc.oneof(
    { weight: 4, arbitrary: validish(schema) },
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: rawBodies.map((text) => ({ [rawMarker]: text })) },
  );
  return fc.tuple(body, fc.uuid()).map(([b, id]) => withUniqueApiKey(b, id));
}

/**
 * The secrets scan registers every `api_key` a test sends as a provider key that must never come back. A
 * fuzzed value such as "constructor" also comes back as another field's name in a 400: a unique prefix
 * keeps the check meaningful (an echo of the key itself is still caught) without that false alarm.
 */
function withUniqueApiKey(body: unknown, id: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const apiKey = (body as { api_key?: unknown }).api_key;
  return typeof apiKey === 'string' ? { ...body, api_key: `sk-fuzz-${id}-${apiKey}` } : body;
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

export function callFor(route: Route): fc.Arbitrary<Call> {
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
