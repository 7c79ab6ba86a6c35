/**
 * A gateway whose seeded providers point at local mock providers (each speaking its real wire format),
 * with a funded platform, provider keys for openai/anthropic/google and one end user.
 */

import type { WebhookWorkerOptions } from '../../src/webhooks/index.js';
import type { MockProvider } from '../mocks/index.js';
import { startMockAnthropic, startMockGoogle, startMockOpenAI } from '../mocks/index.js';
import { client, createPlatform } from './http.js';
import { startTestGateway, type TestGateway } from './server.js';

export type InferenceFixture = {
  gw: TestGateway;
  mocks: { openai: MockProvider; anthropic: MockProvider; google: MockProvider };
  providerIds: Record<'openai' | 'anthropic' | 'google' | 'xai', string>;
  platformId: string;
  platformKey: string;
  endUserId: string;
  endUserKey: string;
  /** Adds an operator model route; behaviour of the mock comes from `upstreamModel`. */
  addRoute(
    slug: string,
    provider: 'openai' | 'anthropic' | 'google',
    upstreamModel: string,
    extra?: Record<string, unknown>,
  ): Promise<string>;
  newEndUser(externalId: string): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
};

export async function startInferenceFixture(
  opts: {
    dialect?: 'sqlite' | 'postgres';
    walletUsd?: number;
    env?: Record<string, string>;
    webhooks?: Partial<WebhookWorkerOptions>;
  } = {},
): Promise<InferenceFixture> {
  const gw = await startTestGateway({ dialect: opts.dialect, env: opts.env, webhooks: opts.webhooks });
  const mocks = { openai: await startMockOpenAI(), anthropic: await startMockAnthropic(), google: await startMockGoogle() };
  const admin = client(gw.url, gw.adminKey);
  const providers = (await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
  const providerIds = Object.fromEntries(providers.map((p) => [p.slug, p.id])) as InferenceFixture['providerIds'];
  for (const slug of ['openai', 'anthropic', 'google'] as const) {
    const res = await admin.patch(`/v1/admin/providers/${providerIds[slug]}`, { base_url: mocks[slug].url });
    if (res.status !== 200) throw new Error(`repointing ${slug} failed: ${JSON.stringify(res.body)}`);
  }
  const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Inference Co');
  const platform = client(gw.url, platformKey);
  for (const slug of ['openai', 'anthropic', 'google'] as const) {
    const res = await platform.post(`/v1/platforms/${platformId}/llm-configs`, {
      provider_id: providerIds[slug],
      api_key: `test-key-${slug}`,
    });
    if (res.status !== 201) throw new Error(`llm-config ${slug} failed: ${JSON.stringify(res.body)}`);
  }
  if ((opts.walletUsd ?? 100) > 0) await platform.post(`/v1/platforms/${platformId}/wallet/topup`, { amount: opts.walletUsd ?? 100 });
  const newEndUser = async (externalId: string) => {
    const res = await platform.post(`/v1/platforms/${platformId}/end-users`, { external_id: externalId });
    return { id: res.body.data.id as string, key: res.body.data.api_key.raw_key as string };
  };
  const user = await newEndUser('user-1');
  return {
    gw,
    mocks,
    providerIds,
    platformId,
    platformKey,
    endUserId: user.id,
    endUserKey: user.key,
    newEndUser,
    async addRoute(slug, provider, upstreamModel, extra = {}) {
      const res = await admin.post('/v1/admin/models', {
        slug,
        provider_id: providerIds[provider],
        provider_model_id: upstreamModel,
        input_usd_per_mtok: 2.5,
        output_usd_per_mtok: 10,
        max_output_tokens: 4096,
        ...extra,
      });
      if (res.status !== 201) throw new Error(`route ${slug} failed: ${JSON.stringify(res.body)}`);
      return res.body.data.id as string;
    },
    async close() {
      await gw.close();
      await Promise.all(Object.values(mocks).map((m) => m.close()));
    },
  };
}
