/** Operator API (spec §2): providers, model routes with exact prices, platforms, wallet adjustments. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('operator API (%s)', (dialect) => {
  let gw: TestGateway;
  let admin: ReturnType<typeof client>;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    admin = client(gw.url, gw.adminKey);
  });
  afterAll(() => gw?.close());

  describe('providers', () => {
    it('are seeded with their public base URLs', async () => {
      const res = await admin.get('/v1/admin/providers');
      expect(res.body.total).toBe(4);
      const bySlug = Object.fromEntries(res.body.data.map((p: { slug: string }) => [p.slug, p]));
      expect(bySlug.openai).toMatchObject({ kind: 'openai', base_url: 'https://api.openai.com/v1', is_active: true });
      expect(bySlug.anthropic).toMatchObject({ kind: 'anthropic', base_url: 'https://api.anthropic.com/v1' });
      expect(bySlug.google).toMatchObject({ kind: 'google', base_url: 'https://generativelanguage.googleapis.com/v1beta' });
      expect(bySlug.xai).toMatchObject({ kind: 'openai', base_url: 'https://api.x.ai/v1' });
      expect(Object.keys(bySlug.openai)).toEqual(
        expect.arrayContaining(['id', 'slug', 'name', 'kind', 'base_url', 'is_active', 'created_at']),
      );
    });

    it('a platform key sees only { id, slug, name, kind, is_active } and cannot write', async () => {
      const p = await createPlatform(gw.url, gw.adminKey, 'Viewer Co');
      const res = await client(gw.url, p.platformKey).get('/v1/admin/providers?limit=2&page=2');
      expect(res.body).toMatchObject({ total: 4, page: 2, limit: 2 });
      expect(res.body.data.map((p: { slug: string }) => p.slug)).toEqual(['openai', 'xai']);
      for (const row of res.body.data) expect(Object.keys(row).sort()).toEqual(['id', 'is_active', 'kind', 'name', 'slug']);
      const body = { slug: 'groq', name: 'Groq', kind: 'openai', base_url: 'https://api.groq.com/openai/v1' };
      expectApiError(await client(gw.url, p.platformKey).post('/v1/admin/providers', body), 403, 'forbidden');
    });

    it('creates any OpenAI-compatible provider, edits it, and refuses duplicates and bad input', async () => {
      const created = await admin.post('/v1/admin/providers', {
        slug: 'vllm',
        name: 'Local vLLM',
        kind: 'openai',
        base_url: 'http://127.0.0.1:8000/v1/',
      });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({ slug: 'vllm', kind: 'openai', base_url: 'http://127.0.0.1:8000/v1', is_active: true });
      const id = created.body.data.id;
      const patched = await admin.patch(`/v1/admin/providers/${id}`, {
        base_url: 'http://10.0.0.2:8000/v1',
        is_active: false,
        name: 'vLLM',
      });
      expect(patched.body.data).toMatchObject({ base_url: 'http://10.0.0.2:8000/v1', is_active: false, name: 'vLLM' });
      expect((await admin.get(`/v1/admin/providers/${id}`)).body.data.name).toBe('vLLM');
      expectApiError(
        await admin.post('/v1/admin/providers', { slug: 'vllm', name: 'Again', kind: 'openai', base_url: 'http://x.test/v1' }),
        409,
        'conflict',
      );
      const good = { slug: 'ok', name: 'OK', kind: 'openai', base_url: 'https://ok.test/v1' };
      expectApiError(await admin.post('/v1/admin/providers', { ...good, kind: 'cohere' }), 400, 'validation_error', 'kind');
      expectApiError(await admin.post('/v1/admin/providers', { ...good, base_url: 'ftp://ok.test' }), 400, 'validation_error', 'base_url');
      expectApiError(await admin.post('/v1/admin/providers', { ...good, slug: 'Bad Slug' }), 400, 'validation_error', 'slug');
      expectApiError(await admin.patch(`/v1/admin/providers/${id}`, { kind: 'google' }), 400, 'validation_error', 'kind');
    });
  });

  describe('model routes', () => {
    it('the seeded catalogue has current models of each provider with list prices', async () => {
      const res = await admin.get('/v1/admin/models?limit=100');
      const slugs = res.body.data.map((m: { slug: string }) => m.slug);
      for (const s of [
        'gpt-4o',
        'gpt-4o-mini',
        'gpt-4.1',
        'gpt-4.1-mini',
        'o4-mini',
        'claude-sonnet-4',
        'claude-3-5-haiku',
        'gemini-2.5-pro',
        'gemini-2.5-flash',
        'grok-3',
      ]) {
        expect(slugs).toContain(s);
      }
      const mini = (await admin.get('/v1/admin/models?slug=gpt-4o-mini')).body.data;
      expect(mini).toHaveLength(1);
      expect(mini[0]).toMatchObject({
        input_usd_per_mtok: 0.15,
        output_usd_per_mtok: 0.6,
        cached_input_usd_per_mtok: 0.075,
        priority: 100,
        is_enabled: true,
      });
    });

    it('CRUD with prices that round-trip exactly', async () => {
      const providers = (await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
      const openai = providers.find((p) => p.slug === 'openai')!.id;
      const body = {
        slug: 'my-model',
        provider_id: openai,
        provider_model_id: 'gpt-4o-2024-08-06',
        input_usd_per_mtok: 0.075,
        output_usd_per_mtok: 1.234567,
        cached_input_usd_per_mtok: 0.000001,
        max_output_tokens: 4096,
        context_window: 128000,
        priority: 10,
      };
      const created = await admin.post('/v1/admin/models', body);
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({ ...body, is_enabled: true });
      const id = created.body.data.id;
      const row = await gw.ctx.store.db.selectFrom('model_routes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect([row.input_micros_per_mtok, row.output_micros_per_mtok, row.cached_input_micros_per_mtok]).toEqual([75_000, 1_234_567, 1]);
      expect((await admin.get(`/v1/admin/models/${id}`)).body.data).toMatchObject(body);
      const byProvider = await admin.get(`/v1/admin/models?provider_id=${openai}&slug=my-model`);
      expect(byProvider.body.total).toBe(1);

      const patched = await admin.patch(`/v1/admin/models/${id}`, {
        output_usd_per_mtok: 0.3,
        cached_input_usd_per_mtok: null,
        is_enabled: false,
      });
      expect(patched.body.data).toMatchObject({
        output_usd_per_mtok: 0.3,
        cached_input_usd_per_mtok: null,
        is_enabled: false,
        input_usd_per_mtok: 0.075,
      });

      expectApiError(await admin.post('/v1/admin/models', body), 409, 'conflict');
      const minimal = await admin.post('/v1/admin/models', {
        slug: 'min',
        provider_id: openai,
        input_usd_per_mtok: 0,
        output_usd_per_mtok: 0,
        max_output_tokens: 1,
      });
      expect(minimal.body.data).toMatchObject({
        provider_model_id: 'min',
        priority: 100,
        cached_input_usd_per_mtok: null,
        context_window: null,
      });
      expectApiError(
        await admin.patch(`/v1/admin/models/${minimal.body.data.id}`, { slug: 'my-model', provider_model_id: 'gpt-4o-2024-08-06' }),
        409,
        'conflict',
      );

      expect((await admin.delete(`/v1/admin/models/${id}`)).status).toBe(204);
      expectApiError(await admin.get(`/v1/admin/models/${id}`), 404, 'not_found');
    });

    it('validates prices, tokens and provider_id', async () => {
      const openai = ((await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>).find(
        (p) => p.slug === 'openai',
      )!.id;
      const good = { slug: 'v', provider_id: openai, input_usd_per_mtok: 1, output_usd_per_mtok: 2, max_output_tokens: 10 };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ input_usd_per_mtok: -1 }, 'input_usd_per_mtok'],
        [{ input_usd_per_mtok: 0.0000001 }, 'input_usd_per_mtok'],
        [{ output_usd_per_mtok: '2' }, 'output_usd_per_mtok'],
        [{ max_output_tokens: 0 }, 'max_output_tokens'],
        [{ max_output_tokens: 1.5 }, 'max_output_tokens'],
        [{ priority: -1 }, 'priority'],
        [{ provider_id: 'openai' }, 'provider_id'],
        [{ slug: '' }, 'slug'],
      ];
      for (const [patch, param] of cases)
        expectApiError(await admin.post('/v1/admin/models', { ...good, ...patch }), 400, 'validation_error', param);
      expectApiError(
        await admin.post('/v1/admin/models', { ...good, provider_id: '0190f7a0-0000-7000-8000-000000000000' }),
        404,
        'not_found',
        'provider_id',
      );
    });
  });

  describe('platforms', () => {
    it('create returns the platform key once, with a zero wallet; list and get', async () => {
      const created = await admin.post('/v1/admin/platforms', { name: 'Made By Admin', settings: { markup_percentage: 15, drop: null } });
      expect(created.status).toBe(201);
      expect(created.body.data).toEqual({
        id: expect.any(String),
        name: 'Made By Admin',
        slug: 'made-by-admin',
        settings: { markup_percentage: 15 },
        is_active: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        api_key: {
          id: expect.any(String),
          key_prefix: expect.stringMatching(/^sk-plat_/),
          raw_key: expect.stringMatching(/^sk-plat_[0-9a-f]{64}$/),
          expires_at: null,
        },
      });
      const id = created.body.data.id;
      const wallet = await client(gw.url, created.body.data.api_key.raw_key).get(`/v1/platforms/${id}/wallet`);
      expect(wallet.body.data).toMatchObject({ balance: 0, reserved: 0, available: 0 });
      const got = await admin.get(`/v1/admin/platforms/${id}`);
      expect(got.body.data).not.toHaveProperty('api_key');
      expect(got.body.data.name).toBe('Made By Admin');
      const list = await admin.get('/v1/admin/platforms?limit=1');
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0].id).toBe(id);
      expect(list.body.total).toBeGreaterThanOrEqual(1);
      const again = await admin.post('/v1/admin/platforms', { name: 'Made By Admin' });
      expect(again.body.data.slug).toMatch(/^made-by-admin-[0-9a-f]{6}$/);
    });

    it('PATCH renames, merges settings and suspends', async () => {
      const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'To Suspend');
      await admin.patch(`/v1/admin/platforms/${platformId}`, { settings: { a: 1, b: 2 } });
      const res = await admin.patch(`/v1/admin/platforms/${platformId}`, {
        name: 'Suspended',
        is_active: false,
        settings: { b: null, c: 3 },
      });
      expect(res.body.data).toMatchObject({ name: 'Suspended', is_active: false, settings: { a: 1, c: 3 } });
      expectApiError(await client(gw.url, platformKey).get(`/v1/platforms/${platformId}`), 403, 'platform_suspended');
      expectApiError(await admin.patch(`/v1/admin/platforms/${platformId}`, { is_active: 'no' }), 400, 'validation_error', 'is_active');
      expectApiError(await admin.post('/v1/admin/platforms', {}), 400, 'validation_error', 'name');
      expectApiError(
        await admin.post('/v1/admin/platforms', { name: 'x', settings: { markup_percentage: -3 } }),
        400,
        'validation_error',
        'settings.markup_percentage',
      );
    });
  });

  describe('wallet adjustments', () => {
    it('credit or debit with a description, never below what is reserved', async () => {
      const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Adjusted');
      const url = `/v1/admin/platforms/${platformId}/wallet/adjustments`;
      const credit = await admin.post(url, { amount: 20, description: 'goodwill' });
      expect(credit.status).toBe(201);
      expect(credit.body.data).toMatchObject({ type: 'adjustment', amount: 20, balance_after: 20, description: 'goodwill' });
      const debit = await admin.post(url, { amount: -7.5, description: 'chargeback' });
      expect(debit.body.data).toMatchObject({ type: 'adjustment', amount: -7.5, balance_after: 12.5 });

      await gw.ctx.store.db.updateTable('wallets').set({ reserved_micros: 10_000_000 }).where('platform_id', '=', platformId).execute();
      expectApiError(await admin.post(url, { amount: -3, description: 'too much' }), 400, 'validation_error', 'amount');
      expect((await admin.post(url, { amount: -2.5, description: 'just enough' })).body.data.balance_after).toBe(10);
      await gw.ctx.store.db.updateTable('wallets').set({ reserved_micros: 0 }).where('platform_id', '=', platformId).execute();

      expectApiError(await admin.post(url, { amount: 0, description: 'zero' }), 400, 'validation_error', 'amount');
      expectApiError(await admin.post(url, { amount: 1 }), 400, 'validation_error', 'description');
      expectApiError(await admin.post(url, { amount: 1.0000001, description: 'x' }), 400, 'validation_error', 'amount');
      expectApiError(await client(gw.url, platformKey).post(url, { amount: 1, description: 'self-service' }), 403, 'forbidden');
      expectApiError(
        await admin.post('/v1/admin/platforms/0190f7a0-0000-7000-8000-000000000000/wallet/adjustments', { amount: 1, description: 'x' }),
        404,
        'not_found',
      );

      const tx = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet/transactions?type=adjustment`);
      expect(tx.body.data.map((t: { amount: number }) => t.amount)).toEqual([-2.5, -7.5, 20]);
      expect((await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`)).body.data.balance).toBe(10);
    });
  });
});
