/**
 * /openapi.json describes every management response: each documented non-inference route declares its
 * success body and the §1 error (4XX and 5XX), named objects are components, and real answers validate
 * against the same zod schemas. The inference routes' own documents: inference/openapi-inference.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AuditEntry } from '../../../src/audit/responses.js';
import { Budget, BudgetMovement } from '../../../src/management/budgets/responses.js';
import { RequestLog, Usage } from '../../../src/management/logs/responses.js';
import { Member, MemberInvite } from '../../../src/management/members/responses.js';
import { EndUserRateLimits, PlatformRateLimits } from '../../../src/management/rate-limits/responses.js';
import {
  ApiKey,
  CreatedEndUser,
  CreatedPlatform,
  dataOf,
  EndUser,
  ErrorBody,
  ModelRoute,
  Platform,
  Provider,
  ProviderSummary,
  pageOf,
  WalletTopUp,
  WalletWithRecent,
} from '../../../src/management/responses.js';
import { WebhookEndpointWithSecret } from '../../../src/management/webhooks/responses.js';
import { client } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

/** OpenAI- and Anthropic-shaped routes: documented by src/inference/openapi.ts, checked in their own test. */
const inferencePrefixes = ['/v1/chat/', '/v1/responses', '/v1/messages', '/v1/models'];
const isInference = (path: string) => inferencePrefixes.some((p) => path.startsWith(p));
const methods = ['get', 'post', 'put', 'patch', 'delete'];

function operations(doc: OpenApi) {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, op })),
  );
}

/** Parses a body with the schema and proves nothing was dropped: the body has exactly the schema's fields. */
function expectShape(schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(body);
}

describe.each(dialects)('OpenAPI response schemas (%s)', (dialect) => {
  let gw: TestGateway;
  let doc: OpenApi;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    const res = await fetch(`${gw.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  });
  afterAll(() => gw?.close());

  it('every non-inference route declares its success body and the §1 error for 4XX and 5XX', () => {
    const missing: string[] = [];
    const management = operations(doc).filter((o) => !isInference(o.path));
    expect(management.length).toBeGreaterThan(60);
    for (const { route, op } of management) {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) missing.push(`${route}: no 2xx response`);
      for (const [status, response] of success) {
        const schema = response.content?.['application/json']?.schema;
        // 204 has no body; every other success names its JSON body.
        if (status === '204' ? response.content !== undefined : !schema) missing.push(`${route}: ${status} has no body schema`);
      }
      for (const status of ['4XX', '5XX']) {
        const schema = op.responses[status]?.content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/Error') missing.push(`${route}: ${status} is not the §1 Error`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names the shared objects as components, with USD amounts as numbers and nullable fields nullable', () => {
    const schemas = doc.components.schemas;
    for (const name of [
      'Error',
      'Platform',
      'ApiKey',
      'EndUser',
      'Wallet',
      'WalletTransaction',
      'Budget',
      'ModelRoute',
      'Member',
      'AuditEntry',
    ]) {
      expect(schemas[name], name).toBeDefined();
    }
    // Request-body twins (`…Input`) that no route uses are pruned.
    expect(Object.keys(schemas).filter((n) => n.endsWith('Input'))).toEqual([]);
    expect(schemas.Wallet.properties.balance).toEqual({ type: 'number' });
    expect(schemas.Budget.properties.remaining_usd).toEqual({ type: 'number' });
    expect(schemas.Wallet.properties.low_balance_threshold).toEqual({ type: ['number', 'null'] });
    expect(schemas.Error.properties.error.required).toEqual(['message', 'type', 'code', 'param', 'request_id']);
    const wallet = doc.paths['/v1/platforms/{platformId}/wallet'].get.responses['200'].content?.['application/json'].schema;
    expect(JSON.stringify(wallet)).toContain('#/components/schemas/WalletWithRecent');
  });

  it('real answers have exactly the declared shapes', async () => {
    const admin = client(gw.url, gw.adminKey);
    const created = await admin.post('/v1/admin/platforms', { name: 'Schema Co' });
    expect(created.status).toBe(201);
    expectShape(dataOf(CreatedPlatform), created.body);
    const platformId: string = created.body.data.id;
    const api = client(gw.url, created.body.data.api_key.raw_key);
    const base = `/v1/platforms/${platformId}`;

    expectShape(dataOf(Platform), (await api.get(base)).body);
    expectShape(pageOf(Provider), (await admin.get('/v1/admin/providers')).body);
    expectShape(pageOf(ProviderSummary), (await api.get('/v1/admin/providers')).body);
    expectShape(pageOf(ModelRoute), (await admin.get('/v1/admin/models?limit=3')).body);

    const topUp = await api.post(`${base}/wallet/topup`, { amount: '12.345678' });
    expect(topUp.status).toBe(201);
    expectShape(dataOf(WalletTopUp), topUp.body);
    expect(topUp.body.data.wallet.balance).toBe(12.345678);
    const wallet = await api.get(`${base}/wallet`);
    expectShape(dataOf(WalletWithRecent), wallet.body);
    expect(wallet.body.data).toMatchObject({ balance: 12.345678, reserved: 0, available: 12.345678, low_balance_threshold: null });

    const user = await api.post(`${base}/end-users`, { external_id: 'schema-user', metadata: { plan: 'pro' } });
    expect(user.status).toBe(201);
    expectShape(dataOf(CreatedEndUser), user.body);
    const endUserId: string = user.body.data.id;
    expectShape(pageOf(EndUser), (await api.get(`${base}/end-users`)).body);
    expectShape(pageOf(ApiKey), (await api.get(`${base}/end-users/${endUserId}/api-keys`)).body);

    expect((await api.post(`${base}/end-users/${endUserId}/budget`, { max_usd: 5 })).status).toBe(201);
    const moved = await api.post(`${base}/end-users/${endUserId}/budget/debit`, { amount: 1.25 });
    expectShape(dataOf(BudgetMovement), moved.body);
    const budget = await api.get(`${base}/end-users/${endUserId}/budget`);
    expectShape(dataOf(Budget), budget.body);
    expect(budget.body.data).toMatchObject({ max_usd: 5, used_usd: 1.25, remaining_usd: 3.75, replenish_amount: null });

    expectShape(dataOf(PlatformRateLimits), (await api.put(`${base}/rate-limits`, { rpm_limit: 60 })).body);
    expectShape(dataOf(EndUserRateLimits), (await api.get(`${base}/end-users/${endUserId}/rate-limits`)).body);
    expectShape(pageOf(RequestLog), (await api.get(`${base}/logs`)).body);
    expectShape(Usage, (await api.get(`${base}/usage?group_by=model`)).body);

    const hook = await api.post(`${base}/webhooks`, { url: 'https://hooks.example.com/in', events: ['*'] });
    expect(hook.status).toBe(201);
    expectShape(dataOf(WebhookEndpointWithSecret), hook.body);
    const invite = await api.post(`${base}/members`, { email: 'dev@example.com', role: 'developer' });
    expectShape(dataOf(MemberInvite), invite.body);
    expectShape(pageOf(Member), (await api.get(`${base}/members`)).body);
    const audit = await api.get(`${base}/audit-log`);
    expectShape(pageOf(AuditEntry), audit.body);
    expect(audit.body.total).toBeGreaterThanOrEqual(6);

    const notFound = await api.get(`${base}/end-users/00000000-0000-4000-8000-000000000000`);
    expect(notFound.status).toBe(404);
    expectShape(ErrorBody, notFound.body);
    expect(notFound.body.error).toMatchObject({ type: 'not_found_error', code: 'not_found', param: null });
  });
});
