/** Routing, translation through the gateway, request logs and usage aggregation. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe.each(dialects)('routing, translation and logs (%s)', (dialect) => {
  let f: InferenceFixture;
  const platformApi = () => client(f.gw.url, f.platformKey);

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
  });
  afterAll(() => f?.close());

  it('translates system prompts, multi-turn history and images for Anthropic', async () => {
    const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'claude-sonnet-4',
      max_tokens: 200,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: 'First answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: pixel } },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    const sent = f.mocks.anthropic.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('test-key-anthropic');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    const body = sent.body as { model: string; system: unknown; max_tokens: number; messages: Array<{ role: string; content: unknown }> };
    expect(body.model).toBe('claude-sonnet-4-20250514');
    expect(JSON.stringify(body.system)).toContain('You are terse.');
    expect(body.max_tokens).toBe(200);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(body.messages[2].content)).toContain('"type":"image"');
  });

  it('translates system prompts and images for Gemini and defaults to the route max tokens', async () => {
    const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe' },
            { type: 'image_url', image_url: { url: pixel } },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    const sent = f.mocks.google.requests.at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('test-key-google');
    const body = sent.body as { systemInstruction: unknown; contents: unknown };
    expect(JSON.stringify(body.systemInstruction)).toContain('Answer in French.');
    expect(JSON.stringify(body.contents)).toContain('inlineData');
  });

  it('passes unknown fields through to OpenAI-kind providers and accepts x-api-key', async () => {
    const res = await client(f.gw.url).post(
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], seed: 7, some_future_field: { a: 1 } },
      { 'x-api-key': f.endUserKey },
    );
    expect(res.status).toBe(200);
    const body = f.mocks.openai.requests.at(-1)!.body as Record<string, unknown>;
    expect(body.seed).toBe(7);
    expect(body.some_future_field).toEqual({ a: 1 });
    expect(f.mocks.openai.requests.at(-1)!.headers.authorization).toBe('Bearer test-key-openai');
  });

  it('lets a platform key call inference, billed to the wallet and no end user', async () => {
    const sdk = new OpenAI({ apiKey: f.platformKey, baseURL: `${f.gw.url}/v1`, maxRetries: 0 });
    const { response } = await sdk.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'server side' }] })
      .withResponse();
    const logs = await platformApi().get(`/v1/platforms/${f.platformId}/logs?limit=5`);
    const log = logs.body.data.find((l: { request_id: string }) => l.request_id === response.headers.get('x-request-id'));
    expect(log).toMatchObject({ end_user_id: null, status: 'success', billing_status: 'billed' });
  });

  it('refuses an admin key on inference with 403 and an end-user key on management with 403', async () => {
    const a = await client(f.gw.url, f.gw.adminKey).post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(a.status).toBe(403);
    const b = await client(f.gw.url, f.endUserKey).get(`/v1/platforms/${f.platformId}/logs`);
    expect(b.status).toBe(403);
  });

  it('logs a rejected row for an unroutable model, none for a 400', async () => {
    const api = client(f.gw.url, f.endUserKey);
    const r404 = await api.post('/v1/chat/completions', { model: 'grok-3', messages: [{ role: 'user', content: 'x' }] });
    expect(r404.status).toBe(404);
    expect(r404.body.error.code).toBe('model_not_found');
    const r400 = await api.post('/v1/chat/completions', { model: 'gpt-4o' });
    expect(r400.status).toBe(400);
    const logs = await platformApi().get(`/v1/platforms/${f.platformId}/logs?status=rejected`);
    expect(logs.body.data.map((l: { request_id: string }) => l.request_id)).toContain(r404.headers.get('x-request-id'));
    expect(logs.body.data.map((l: { request_id: string }) => l.request_id)).not.toContain(r400.headers.get('x-request-id'));
    expect(logs.body.data.find((l: { request_id: string }) => l.request_id === r404.headers.get('x-request-id'))).toMatchObject({
      status: 'rejected',
      error_code: 'model_not_found',
      billing_status: 'not_billed',
      estimated_cost_usd: '0.000000',
    });
  });

  it('filters and paginates logs, and aggregates usage by model, end user and day', async () => {
    const other = await f.newEndUser('usage-user');
    const sdk = new OpenAI({ apiKey: other.key, baseURL: `${f.gw.url}/v1`, maxRetries: 0 });
    for (const model of ['gpt-4o', 'gpt-4o', 'gemini-2.5-flash'])
      await sdk.chat.completions.create({ model, messages: [{ role: 'user', content: 'count me' }] });
    const api = platformApi();
    const mine = await api.get(`/v1/platforms/${f.platformId}/logs?end_user_id=${other.id}&limit=2`);
    expect(mine.body.total).toBe(3);
    expect(mine.body.data).toHaveLength(2);
    const page2 = await api.get(`/v1/platforms/${f.platformId}/logs?end_user_id=${other.id}&limit=2&page=2`);
    expect(page2.body.data).toHaveLength(1);
    const byModel = await api.get(`/v1/platforms/${f.platformId}/logs?end_user_id=${other.id}&model=gemini-2.5-flash`);
    expect(byModel.body.total).toBe(1);
    const future = await api.get(
      `/v1/platforms/${f.platformId}/logs?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.total).toBe(0);

    const usage = await api.get(`/v1/platforms/${f.platformId}/usage?group_by=end_user`);
    const row = usage.body.data.find((r: { key: string }) => r.key === other.id);
    expect(row.requests).toBe(3);
    const costs = [...mine.body.data, ...page2.body.data].reduce(
      (s: number, l: { estimated_cost_usd: string }) => s + Math.round(Number(l.estimated_cost_usd) * 1e6),
      0,
    );
    expect(Math.round(row.cost_usd * 1e6)).toBe(costs);
    const byDay = await api.get(`/v1/platforms/${f.platformId}/usage?group_by=day`);
    expect(byDay.body.data[0].key).toBe(new Date().toISOString().slice(0, 10));
    const models = await api.get(`/v1/platforms/${f.platformId}/usage?group_by=model`);
    expect(models.body.data.map((r: { key: string }) => r.key)).toEqual(expect.arrayContaining(['gpt-4o', 'gemini-2.5-flash']));
    const bad = await api.get(`/v1/platforms/${f.platformId}/usage?group_by=week`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('group_by');
  });

  it('bills two calls that reuse one client x-request-id separately, echoing it as x-client-request-id', async () => {
    const api = client(f.gw.url, f.endUserKey);
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'same id' }] };
    const a = await api.post('/v1/chat/completions', body, { 'x-request-id': 'client-abc-1' });
    const b = await api.post('/v1/chat/completions', body, { 'x-request-id': 'client-abc-1' });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers.get('x-client-request-id')).toBe('client-abc-1');
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    const debits = await f.gw.ctx.store.db
      .selectFrom('wallet_transactions')
      .select('request_id')
      .where('request_id', 'in', [a.headers.get('x-request-id')!, b.headers.get('x-request-id')!])
      .execute();
    expect(debits).toHaveLength(2);
    const mgmt = await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}`, { 'x-request-id': 'client-abc-1' });
    expect(mgmt.headers.get('x-request-id')).toBe('client-abc-1');
  });

  it('charges the end user budget cost plus the platform markup, and the wallet the cost', async () => {
    const api = platformApi();
    expect((await api.patch(`/v1/platforms/${f.platformId}`, { settings: { markup_percentage: 20 } })).status).toBe(200);
    const user = await f.newEndUser('markup-user');
    expect((await api.post(`/v1/platforms/${f.platformId}/end-users/${user.id}/budget`, { max_usd: 5 })).status).toBe(201);
    const res = await client(f.gw.url, user.key).post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'markup please' }],
    });
    expect(res.status).toBe(200);
    const costMicros = Math.round(Number(res.headers.get('x-assistiv-cost-usd')) * 1e6);
    expect(costMicros).toBeGreaterThan(0);
    const endUserMicros = Math.floor((costMicros * 120 + 50) / 100); // cost × 1.2, half-up
    const log = (await api.get(`/v1/platforms/${f.platformId}/logs?end_user_id=${user.id}`)).body.data[0];
    expect(log.estimated_cost_usd).toBe((costMicros / 1e6).toFixed(6));
    expect(log.end_user_cost_usd).toBe((endUserMicros / 1e6).toFixed(6));
    const budget = (await api.get(`/v1/platforms/${f.platformId}/end-users/${user.id}/budget`)).body.data;
    expect(Math.round(budget.used_usd * 1e6)).toBe(endUserMicros);
    expect((await api.patch(`/v1/platforms/${f.platformId}`, { settings: { markup_percentage: null } })).status).toBe(200);
  });

  it('never stores prompts or outputs in logs', async () => {
    await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'SECRET-PROMPT-7731' }],
    });
    const rows = await f.gw.ctx.store.db.selectFrom('request_logs').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('SECRET-PROMPT-7731');
  });

  it('answers CORS for /v1/me and sends none on management routes by default', async () => {
    const me = await fetch(`${f.gw.url}/v1/me`, { headers: { origin: 'https://app.example', authorization: `Bearer ${f.endUserKey}` } });
    expect(me.headers.get('access-control-allow-origin')).toBe('*');
    const mgmt = await fetch(`${f.gw.url}/v1/platforms/${f.platformId}`, {
      headers: { origin: 'https://app.example', authorization: `Bearer ${f.platformKey}` },
    });
    expect(mgmt.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses inference bodies over 20 MiB with 413', async () => {
    const huge = 'x'.repeat(21 * 1024 * 1024);
    const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: huge }],
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('request_too_large');
  });
});
