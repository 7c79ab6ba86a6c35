/** Upstream failures: fallback before the first byte, error mapping, timeouts, cut streams, disconnects. */
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(dialects)('upstream failures (%s)', (dialect) => {
  let f: InferenceFixture;
  let sdk: OpenAI;
  const chat = (model: string, extra: Record<string, unknown> = {}) =>
    client(f.gw.url, f.endUserKey).post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'Hello there' }], ...extra });
  const lastLog = async () => (await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/logs?limit=1`)).body.data[0];
  const wallet = async () => (await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/wallet`)).body.data;

  beforeAll(async () => {
    f = await startInferenceFixture({
      dialect,
      env: { ASSISTIV_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '500', ASSISTIV_UPSTREAM_IDLE_TIMEOUT_MS: '500' },
    });
    sdk = new OpenAI({ apiKey: f.endUserKey, baseURL: `${f.gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => f?.close());

  it('falls back to the next route on a 5xx and bills only the route that answered', async () => {
    await f.addRoute('fb-model', 'openai', 'gpt-fail-500', { priority: 1 });
    await f.addRoute('fb-model', 'anthropic', 'claude-ok', { priority: 2, input_usd_per_mtok: 3, output_usd_per_mtok: 15 });
    const res = await chat('fb-model');
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toContain('Hello there');
    const log = await lastLog();
    expect(log).toMatchObject({ status: 'success', fallback_from: 'openai', provider_model_id: 'claude-ok', billing_status: 'billed' });
    const u = res.body.usage;
    const micros = Math.floor((u.prompt_tokens * 3_000_000 + u.completion_tokens * 15_000_000 + 500_000) / 1e6);
    expect(log.estimated_cost_usd).toBe((micros / 1e6).toFixed(6));
  });

  it('falls back for streams when the first event is an error', async () => {
    await f.addRoute('fb-stream', 'anthropic', 'claude-stream-error-first', { priority: 1 });
    await f.addRoute('fb-stream', 'google', 'gemini-ok', { priority: 2 });
    const final = await sdk.chat.completions
      .stream({ model: 'fb-stream', messages: [{ role: 'user', content: 'Hello there' }] })
      .finalChatCompletion();
    expect(final.choices[0].message.content).toContain('Hello there');
    expect(await lastLog()).toMatchObject({ status: 'success', fallback_from: 'anthropic', stream: true });
  });

  it.each([
    ['openai', 'gpt-fail-400', 400],
    ['anthropic', 'claude-fail-400', 400],
    ['google', 'gemini-fail-400', 400],
  ] as const)('returns a %s 4xx in our shape without retry or billing', async (provider, upstream, status) => {
    const slug = `bad-${provider}`;
    await f.addRoute(slug, provider, upstream, { priority: 1 });
    await f.addRoute(slug, 'openai', 'gpt-never-called', { priority: 2 });
    const before = await wallet();
    const res = await chat(slug);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'upstream_invalid_request' });
    expect(res.body.error.message).not.toContain('test-key');
    expect(f.mocks.openai.requests.some((r) => (r.body as { model?: string }).model === 'gpt-never-called')).toBe(false);
    expect((await wallet()).balance).toBe(before.balance);
    expect(await lastLog()).toMatchObject({ status: 'error', billing_status: 'not_billed', error_code: 'upstream_invalid_request' });
  });

  it('maps a final 429 to upstream_rate_limited with the provider retry-after', async () => {
    await f.addRoute('limited', 'openai', 'gpt-fail-429');
    const res = await chat('limited');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('upstream_rate_limited');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('maps a refused provider key to 502 telling to check the llm-config', async () => {
    await f.addRoute('keyfail', 'google', 'gemini-fail-401');
    const res = await chat('keyfail');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(res.body.error.message).toMatch(/llm-config/);
    expect(res.body.error.message).not.toContain('test-key-google');
  });

  it('times out a silent provider with 504 and releases the reservation', async () => {
    await f.addRoute('slow', 'openai', 'gpt-slow-headers-3000');
    const res = await chat('slow');
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('upstream_timeout');
    expect((await wallet()).reserved).toBe(0);
  });

  it('answers 502 when the provider refuses connections', async () => {
    const admin = client(f.gw.url, f.gw.adminKey);
    const provider = await admin.post('/v1/admin/providers', {
      slug: 'deadhost',
      name: 'Dead',
      kind: 'openai',
      base_url: `http://127.0.0.1:${await closedPort()}/v1`,
    });
    await client(f.gw.url, f.platformKey).post(`/v1/platforms/${f.platformId}/llm-configs`, {
      provider_id: provider.body.data.id,
      api_key: 'k',
    });
    await admin.post('/v1/admin/models', {
      slug: 'dead',
      provider_id: provider.body.data.id,
      input_usd_per_mtok: 1,
      output_usd_per_mtok: 1,
      max_output_tokens: 100,
    });
    const res = await chat('dead');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(await lastLog()).toMatchObject({ status: 'error', fallback_from: 'deadhost', billing_status: 'not_billed' });
  });

  it('ends a stream cut mid-way with an error frame and bills what was delivered', async () => {
    await f.addRoute('cut', 'openai', 'gpt-cut-stream');
    const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cut', stream: true, messages: [{ role: 'user', content: 'Hello there' }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    const frames = text.split('\n\n').filter(Boolean);
    const last = JSON.parse(frames.at(-1)!.replace(/^data: /, ''));
    expect(last.error.type).toBe('upstream_error');
    expect(text).not.toContain('[DONE]');
    const log = await lastLog();
    expect(log).toMatchObject({ status: 'error', billing_status: 'billed', token_count_method: 'estimated' });
    expect(log.completion_tokens).toBeGreaterThan(0);
    expect((await wallet()).reserved).toBe(0);
  });

  it('aborts the upstream when the client disconnects and bills the generated tokens', async () => {
    await f.addRoute('slowstream', 'anthropic', 'claude-slow-stream-50');
    const controller = new AbortController();
    const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slowstream', stream: true, messages: [{ role: 'user', content: 'Hello there' }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 300));
    expect(f.mocks.anthropic.requests.at(-1)!.aborted).toBe(true);
    const log = await lastLog();
    expect(log).toMatchObject({ status: 'cancelled', billing_status: 'billed', model: 'slowstream', token_count_method: 'estimated' });
    expect(log.completion_tokens).toBeGreaterThan(0);
    expect(Number(log.estimated_cost_usd)).toBeGreaterThan(0);
    expect((await wallet()).reserved).toBe(0);
  });

  it('aborts a non-streaming upstream call when the client leaves and bills the prompt only', async () => {
    await f.addRoute('slowjson', 'google', 'gemini-slow-headers-3000');
    const controller = new AbortController();
    const pending = fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slowjson', messages: [{ role: 'user', content: 'Hello there' }] }),
      signal: controller.signal,
    }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 300));
    expect(f.mocks.google.requests.at(-1)!.aborted).toBe(true);
    const log = await lastLog();
    expect(log).toMatchObject({
      status: 'cancelled',
      billing_status: 'billed',
      completion_tokens: 0,
      token_count_method: 'estimated',
      model: 'slowjson',
    });
    expect(log.prompt_tokens).toBeGreaterThan(0);
    expect((await wallet()).reserved).toBe(0);
  });

  it('answers CORS preflights on inference routes for any origin', async () => {
    const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});
