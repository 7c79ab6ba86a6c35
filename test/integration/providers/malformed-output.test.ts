/**
 * Malformed provider output over HTTP (issue 10, findings 5, 8, 10): for every `bad-*` mock behaviour and
 * every provider kind, no 500; a non-streaming call gets 502 `upstream_error` in the §1 shape (or falls
 * back when a second route exists); a started stream ends with a final `data: {"error":…}` frame; no
 * fragment of a provider key reaches any response body or log row; and no money stays reserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

type Kind = 'openai' | 'anthropic' | 'google';
const KINDS: Kind[] = ['openai', 'anthropic', 'google'];

/** Behaviours whose answer is not usable: each must become a clean upstream error. */
const BROKEN = ['bad-no-choices', 'bad-null-choice', 'bad-no-delta', 'bad-json', 'bad-framing', 'bad-empty', 'cut-stream'];
/** Non-streaming only: a body without its message, or with content of the wrong type. */
const BROKEN_JSON = ['bad-no-message', 'bad-no-choices', 'bad-null-choice', 'bad-json', 'bad-framing', 'bad-empty', 'cut-stream'];

/** A realistic 64-character provider key, so that fragments of it are meaningful. */
const LONG_KEY = 'sk-live-9fQ2xVb7LmN4pR8tZ1wK6yH3jD5sA0cE-Gu_Io7Pq2Wr4Ty6Ui8Op0AsD';
const ECHOES = ['echo-key', 'echo-key-upper', 'echo-key-pct', 'echo-key-json', 'echo-key-cut', 'echo-key-40'];

type Sse = { status: number; contentType: string; text: string; frames: string[]; requestId: string };

function fragmentsOf(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= key.length; i += 1) out.push(key.slice(i, i + 8).toLowerCase());
  return out;
}

/** The text, and the text with percent- and \u-escapes decoded, lower-cased: where a key could hide. */
function leaksKey(text: string, key: string): string | undefined {
  const decoded = text
    .replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const views = [text.toLowerCase(), decoded.toLowerCase()];
  return fragmentsOf(key).find((fragment) => views.some((view) => view.includes(fragment)));
}

/** The §1 error shape, with the values this class of failure must have. */
function expectUpstreamError(body: unknown): void {
  expect(body).toMatchObject({
    error: { type: 'upstream_error', code: 'upstream_error', message: expect.any(String), request_id: expect.any(String) },
  });
  const message = (body as { error: { message: string } }).error.message;
  expect(message).not.toMatch(/\{"|":/); // never raw JSON
  expect(message.length).toBeLessThan(700);
}

describe.each(dialects)('malformed provider output over HTTP (%s)', (dialect) => {
  let f: InferenceFixture;
  const platform = () => client(f.gw.url, f.platformKey);

  async function post(model: string, stream: boolean): Promise<Sse> {
    const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hello there' }] }),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      text,
      frames: text.split('\n\n').filter((frame) => frame.startsWith('data: ')),
      requestId: res.headers.get('x-request-id') ?? '',
    };
  }

  async function logOf(requestId: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const page = await platform().get(`/v1/platforms/${f.platformId}/logs?limit=20`);
      const row = (page.body.data as Array<Record<string, unknown>>).find((log) => log.request_id === requestId);
      if (row !== undefined) return row;
      if (Date.now() > deadline) throw new Error(`no log row for ${requestId}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function expectNothingReserved(): Promise<void> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const wallet = (await platform().get(`/v1/platforms/${f.platformId}/wallet`)).body.data;
      if (Number(wallet.reserved) === 0) return;
      if (Date.now() > deadline) expect(wallet.reserved).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The last SSE frame as JSON (or the [DONE] marker). */
  const lastFrame = (sse: Sse): unknown => {
    const data = sse.frames.at(-1)?.slice('data: '.length) ?? '';
    return data === '[DONE]' ? data : JSON.parse(data);
  };

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    for (const kind of KINDS) {
      const upstream = kind === 'openai' ? 'gpt' : kind === 'anthropic' ? 'claude' : 'gemini';
      for (const behaviour of new Set([...BROKEN, ...BROKEN_JSON, 'bad-array-content', 'bad-zero-output', 'stream-error-first'])) {
        await f.addRoute(`${kind}-${behaviour}`, kind, `${upstream}-${behaviour}`);
        await f.addRoute(`${kind}-${behaviour}-start`, kind, `${upstream}-${behaviour}-bad-at-start`);
      }
    }
  }, 60_000);
  afterAll(() => f?.close());

  describe.each(KINDS)('%s', (kind) => {
    it.each(BROKEN_JSON)('non-streaming %s: 502 upstream_error in the §1 shape, not billed, nothing held', async (behaviour) => {
      const res = await post(`${kind}-${behaviour}`, false);
      expect(res.status).toBe(502);
      expectUpstreamError(JSON.parse(res.text));
      expect(await logOf(res.requestId)).toMatchObject({ status: 'error', error_code: 'upstream_error', billing_status: 'not_billed' });
      await expectNothingReserved();
    });

    it.each(BROKEN)('streaming %s after the first bytes: a final error frame, never [DONE], billed as delivered', async (behaviour) => {
      const res = await post(`${kind}-${behaviour}`, true);
      expect(res.status).not.toBe(500);
      if (res.contentType.startsWith('application/json')) {
        // Nothing reached the client before the failure (e.g. an empty body): the call failed cleanly.
        expect(res.status).toBe(502);
        expectUpstreamError(JSON.parse(res.text));
      } else {
        expect(res.status).toBe(200);
        expect(res.text).not.toContain('[DONE]');
        const last = lastFrame(res) as { error: unknown };
        expectUpstreamError(last);
        // Every frame before the error is a well-formed chunk.
        for (const frame of res.frames.slice(0, -1)) {
          const chunk = JSON.parse(frame.slice(6));
          expect(Array.isArray(chunk.choices)).toBe(true);
          for (const choice of chunk.choices) expect(typeof choice.delta).toBe('object');
        }
        const log = await logOf(res.requestId);
        expect(log).toMatchObject({ status: 'error', error_code: 'upstream_error', token_count_method: 'estimated' });
        // What was delivered is billed: a stream that delivered text has completion tokens on its log row.
        const delivered = res.frames.slice(0, -1).some((frame) => /"content":"[^"]/.test(frame));
        if (delivered) expect(log).toMatchObject({ billing_status: 'billed', completion_tokens: expect.any(Number) });
        if (delivered) expect(log.completion_tokens).toBeGreaterThan(0);
      }
      await expectNothingReserved();
    });

    // `cut-start`: the connection dies after the headers, before any event.
    it.each([...BROKEN.filter((b) => b !== 'cut-stream'), 'cut-start', 'stream-error-first'])(
      'streaming %s before any byte: falls back to the next route, which answers',
      async (behaviour) => {
        const slug = `${kind}-${behaviour}-fb`;
        await f.addRoute(slug, kind, `m-${behaviour}-bad-at-start`, { priority: 1 });
        await f.addRoute(slug, kind === 'openai' ? 'anthropic' : 'openai', 'fallback-ok', { priority: 2 });
        const res = await post(slug, true);
        expect(res.status).toBe(200);
        expect(lastFrame(res)).toBe('[DONE]');
        expect(res.text).toContain('Hello');
        expect(await logOf(res.requestId)).toMatchObject({ status: 'success', fallback_from: kind, provider_model_id: 'fallback-ok' });
        await expectNothingReserved();
      },
    );

    it.each(BROKEN_JSON)('non-streaming %s: falls back to the next route, which answers', async (behaviour) => {
      const slug = `${kind}-${behaviour}-json-fb`;
      await f.addRoute(slug, kind, `m-${behaviour}`, { priority: 1 });
      await f.addRoute(slug, kind === 'openai' ? 'google' : 'openai', 'fallback-ok', { priority: 2 });
      const res = await post(slug, false);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).choices[0].message.content).toContain('Hello there');
      expect(await logOf(res.requestId)).toMatchObject({ status: 'success', fallback_from: kind, billing_status: 'billed' });
    });

    it('reports 0 output tokens after text as implausible: the usage is estimated, not billed as 0', async () => {
      for (const stream of [false, true]) {
        const res = await post(`${kind}-bad-zero-output`, stream);
        expect(res.status).toBe(200);
        const log = await logOf(res.requestId);
        expect(log).toMatchObject({ status: 'success', token_count_method: 'estimated', billing_status: 'billed' });
        expect(log.completion_tokens).toBeGreaterThan(0);
      }
    });
  });

  it('openai: array content without usage is answered as text with estimated usage', async () => {
    const res = await post('openai-bad-array-content', false);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(body.choices[0].message.content).toBe('Echo: Hello there');
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(await logOf(res.requestId)).toMatchObject({ status: 'success', token_count_method: 'estimated', billing_status: 'billed' });
  });

  describe('error bodies that echo the provider key', () => {
    const slugs: Record<Kind, string> = { openai: '', anthropic: '', google: '' };

    beforeAll(async () => {
      const admin = client(f.gw.url, f.gw.adminKey);
      for (const kind of KINDS) {
        const provider = await admin.post('/v1/admin/providers', {
          slug: `echo-${kind}`,
          name: `Echo ${kind}`,
          kind,
          base_url: f.mocks[kind].url,
        });
        expect(provider.status).toBe(201);
        const config = await platform().post(`/v1/platforms/${f.platformId}/llm-configs`, {
          provider_id: provider.body.data.id,
          api_key: LONG_KEY,
        });
        expect(config.status).toBe(201);
        slugs[kind] = provider.body.data.id;
      }
    });

    describe.each(KINDS)('%s', (kind) => {
      it.each(ECHOES)('%s: 502 without any 8-character fragment of the key in the body or the log', async (echo) => {
        const admin = client(f.gw.url, f.gw.adminKey);
        const slug = `echo-${kind}-${echo}`;
        const route = await admin.post('/v1/admin/models', {
          slug,
          provider_id: slugs[kind],
          provider_model_id: `m-${echo}`,
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 1,
          max_output_tokens: 100,
        });
        expect(route.status).toBe(201);
        for (const stream of [false, true]) {
          const res = await post(slug, stream);
          expect(res.status).toBe(502);
          expectUpstreamError(JSON.parse(res.text));
          expect(leaksKey(res.text, LONG_KEY)).toBeUndefined();
          const log = await logOf(res.requestId);
          expect(leaksKey(JSON.stringify(log), LONG_KEY)).toBeUndefined();
        }
        // The echo did reach the gateway: the mock saw the key it echoed.
        const seen = f.mocks[kind].requests.at(-1)?.headers;
        expect(JSON.stringify(seen)).toContain(LONG_KEY);
      });
    });
  });
});
