/**
 * Sets up the benchmarked tenant through the public admin and platform APIs, as an operator would:
 * the openai provider pointed at the mock, the benchmark's model routes, a platform with a funded wallet,
 * its provider key, and one end user with a budget.
 */

/** The route every load scenario calls; its upstream model answers 20 text pieces at once (test/mocks/behaviour.ts). */
export const BENCH_MODEL = 'bench';
export const BENCH_UPSTREAM_MODEL = 'bench-chunks-20';
/** The soak route: 300 chunks, one every 100 ms: a 30 s stream. */
export const SOAK_MODEL = 'bench-soak';
export const SOAK_UPSTREAM_MODEL = 'bench-slow-stream-100-chunks-300';

/** Far more than any run spends (about $0.0003 a call): refusals would measure something else. */
const WALLET_USD = 1_000_000;
const BUDGET_USD = 100_000;

export type Tenant = { platformId: string; platformKey: string; endUserId: string; endUserKey: string };

async function call(base: string, key: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

type Data<T> = { data: T };

export async function provisionTenant(gatewayUrl: string, adminKey: string, mockUrl: string): Promise<Tenant> {
  const admin = (method: string, path: string, body?: unknown) => call(gatewayUrl, adminKey, method, path, body);
  const providers = (await admin('GET', '/v1/admin/providers?limit=100')) as Data<Array<{ id: string; slug: string }>>;
  const openai = providers.data.find((p) => p.slug === 'openai');
  if (!openai) throw new Error('the seeded catalogue has no openai provider');
  await admin('PATCH', `/v1/admin/providers/${openai.id}`, { base_url: mockUrl });
  for (const [slug, upstream] of [
    [BENCH_MODEL, BENCH_UPSTREAM_MODEL],
    [SOAK_MODEL, SOAK_UPSTREAM_MODEL],
  ]) {
    await admin('POST', '/v1/admin/models', {
      slug,
      provider_id: openai.id,
      provider_model_id: upstream,
      input_usd_per_mtok: 2.5,
      output_usd_per_mtok: 10,
      max_output_tokens: 4096,
    });
  }
  const platform = (await admin('POST', '/v1/admin/platforms', { name: 'Bench Co' })) as Data<{ id: string; api_key: { raw_key: string } }>;
  const platformId = platform.data.id;
  const platformKey = platform.data.api_key.raw_key;
  const plat = (method: string, path: string, body?: unknown) =>
    call(gatewayUrl, platformKey, method, `/v1/platforms/${platformId}${path}`, body);
  await plat('POST', '/llm-configs', { provider_id: openai.id, api_key: 'sk-bench-upstream' });
  await plat('POST', '/wallet/topup', { amount: WALLET_USD, description: 'benchmark funds' });
  const user = (await plat('POST', '/end-users', { external_id: 'bench-user' })) as Data<{ id: string; api_key: { raw_key: string } }>;
  await plat('POST', `/end-users/${user.data.id}/budget`, { max_usd: BUDGET_USD, period: 'monthly' });
  return { platformId, platformKey, endUserId: user.data.id, endUserKey: user.data.api_key.raw_key };
}
