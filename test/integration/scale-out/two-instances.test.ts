/**
 * Design §7: two gateway processes on one PostgreSQL (and one Redis) must keep the money invariants,
 * see a revocation within 1 s, and share rate limits. Runs with the PostgreSQL suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl, redisUrl } from '../../helpers/suites.js';

describe.skipIf(!postgresUrl)('two gateway instances on one PostgreSQL database', () => {
  let f: InferenceFixture;
  let b: TestGateway;
  const chatOn = (url: string, key: string, extra: Record<string, unknown> = {}) =>
    client(url, key).post('/v1/chat/completions', {
      model: 'gpt-4o',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hello from two instances' }],
      ...extra,
    });

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect: 'postgres', walletUsd: 0.01, env: redisUrl ? { REDIS_URL: redisUrl } : {} });
    b = await startTestGateway({ sameDatabaseAs: f.gw });
  });
  afterAll(async () => {
    await b?.close();
    await f?.close();
  });

  it('never overspends the wallet when concurrent calls land on both instances', async () => {
    const results = await Promise.all(Array.from({ length: 160 }, (_, i) => chatOn(i % 2 ? b.url : f.gw.url, f.endUserKey)));
    const statuses = results.map((r) => r.status);
    // 160 calls cost more than the $0.01 wallet holds: some must be refused, none may overdraw it.
    expect(statuses.every((s) => s === 200 || s === 402)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 402).length).toBeGreaterThan(0);
    const refused = results.find((r) => r.status === 402)!;
    expect(refused.body.error.code).toBe('wallet_insufficient');

    const costs = results
      .filter((r) => r.status === 200)
      .reduce((sum, r) => sum + Math.round(Number(r.headers.get('x-assistiv-cost-usd')) * 1e6), 0);
    const wallet = (await client(b.url, f.platformKey).get(`/v1/platforms/${f.platformId}/wallet`)).body.data;
    expect(wallet.reserved).toBe(0);
    expect(wallet.balance).toBeGreaterThanOrEqual(0);
    expect(10_000 - Math.round(wallet.balance * 1e6)).toBe(costs);
    await f.gw.ctx.requestLogs.flush();
    await b.ctx.requestLogs.flush();
    expect((await verifyLedger(f.gw.ctx.store)).differences).toEqual([]);
  });

  it('a key revoked on one instance stops working on the other within 1 s', async () => {
    const platformB = client(b.url, f.platformKey);
    const user = await platformB.post(`/v1/platforms/${f.platformId}/end-users`, { external_id: 'revoke-me' });
    const key = user.body.data.api_key;
    expect((await client(b.url, key.raw_key).get('/v1/me')).status).toBe(200);
    expect((await client(f.gw.url, f.platformKey).delete(`/v1/platforms/${f.platformId}/api-keys/${key.id}`)).status).toBe(204);
    expect((await client(f.gw.url, key.raw_key).get('/v1/me')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await client(b.url, key.raw_key).get('/v1/me')).status).toBe(401);
  });

  it.skipIf(!redisUrl)('shares rate limits through Redis: rpm 10 across both instances admits exactly 10', async () => {
    const admin = client(f.gw.url, f.gw.adminKey);
    await admin.post(`/v1/admin/platforms/${f.platformId}/wallet/adjustments`, { amount: 10, description: 'rate limit test' });
    const user = await f.newEndUser('rate-limited');
    expect(
      (await client(f.gw.url, f.platformKey).put(`/v1/platforms/${f.platformId}/end-users/${user.id}/rate-limits`, { rpm_limit: 10 }))
        .status,
    ).toBe(200);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => chatOn(i % 2 ? b.url : f.gw.url, user.key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20);
  });
});
