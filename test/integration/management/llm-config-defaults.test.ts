/** One default provider key per provider, even when several are created or promoted at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('llm-config defaults under concurrency (%s)', (dialect) => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let platformId: string;
  let providerId: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    const p = await createPlatform(gw.url, gw.adminKey);
    platformId = p.platformId;
    api = client(gw.url, p.platformKey);
    const providers = await api.get('/v1/admin/providers');
    providerId = providers.body.data.find((x: { slug: string }) => x.slug === 'anthropic').id;
  });
  afterAll(() => gw?.close());

  it('ten concurrent creates asking to be the default leave exactly one default', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.post(`/v1/platforms/${platformId}/llm-configs`, { provider_id: providerId, api_key: `sk-ant-${i}-abcd`, is_default: true }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const list = await api.get(`/v1/platforms/${platformId}/llm-configs?limit=100`);
    expect(list.body.data.filter((c: { is_default: boolean }) => c.is_default)).toHaveLength(1);
  });

  it('promoting another config moves the default to it', async () => {
    const list = await api.get(`/v1/platforms/${platformId}/llm-configs?limit=100`);
    const other = list.body.data.find((c: { is_default: boolean }) => !c.is_default);
    const res = await api.patch(`/v1/platforms/${platformId}/llm-configs/${other.id}`, { is_default: true });
    expect(res.body.data.is_default).toBe(true);
    const after = await api.get(`/v1/platforms/${platformId}/llm-configs?limit=100`);
    expect(after.body.data.filter((c: { is_default: boolean }) => c.is_default).map((c: { id: string }) => c.id)).toEqual([other.id]);
  });
});
