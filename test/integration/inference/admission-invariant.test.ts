/**
 * Spec §5c over HTTP, one exit at a time: whatever ends an admitted request — an answer, a provider error,
 * a timeout, a client that leaves, or a fault injected into the gateway's own code (an adapter that throws,
 * a settlement that cannot commit, a rate limiter or release that fails) — the hold and the rate-limit
 * slot are resolved, exactly one log row is written, and the wallet equals its credits minus the logged
 * costs. Faults are injected by swapping a method on the live objects this process's gateway uses.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../../src/inference/providers/anthropic/index.js';
import { openaiAdapter } from '../../../src/inference/providers/openai/index.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { expectMoneySettled, logRowsOf } from '../../helpers/money-invariants.js';
import { dialects } from '../../helpers/suites.js';

type Restore = () => void;

/** Replaces obj[key] until the returned function restores it. */
function swap<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): Restore {
  const original = obj[key];
  obj[key] = value;
  return () => {
    obj[key] = original;
  };
}

const boom = () => {
  throw new Error('injected fault');
};

describe.each(dialects)('admission invariant, every exit (%s)', (dialect) => {
  let f: InferenceFixture;
  let restore: Restore[] = [];
  const inject = (r: Restore) => restore.push(r);

  beforeAll(async () => {
    f = await startInferenceFixture({
      dialect,
      env: { ASSISTIV_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '400', ASSISTIV_UPSTREAM_IDLE_TIMEOUT_MS: '400' },
    });
    const platform = client(f.gw.url, f.platformKey);
    // A budget and a rate limit, so the hold and the slot exist on every level.
    await platform.post(`/v1/platforms/${f.platformId}/end-users/${f.endUserId}/budget`, { max_usd: 50 });
    await platform.put(`/v1/platforms/${f.platformId}/end-users/${f.endUserId}/rate-limits`, { rpm_limit: 1000, tpm_limit: 10_000_000 });
    await f.addRoute('inv-openai', 'openai', 'gpt-ok');
    await f.addRoute('inv-anthropic', 'anthropic', 'claude-ok');
    await f.addRoute('inv-fail', 'openai', 'gpt-fail-500');
    await f.addRoute('inv-slow', 'openai', 'gpt-slow-headers-2000');
    await f.addRoute('inv-slow-stream', 'openai', 'gpt-slow-stream-50');
  });
  afterEach(() => {
    for (const r of restore.reverse()) r();
    restore = [];
  });
  afterAll(() => f?.close());

  const chat = (model: string, extra: Record<string, unknown> = {}) =>
    client(f.gw.url, f.endUserKey).raw('POST', '/v1/chat/completions', {
      model,
      messages: [{ role: 'user', content: 'Hello there' }],
      ...extra,
    });

  /** Streams and returns the raw SSE text (fetch reads to the end). */
  const chatStream = async (model: string) => {
    const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hello there' }] }),
    });
    return { status: res.status, requestId: res.headers.get('x-request-id') as string, text: await res.text() };
  };

  const expectOneRow = async (requestId: string, expected: Record<string, unknown>) => {
    const rows = await logRowsOf(f.gw.ctx, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(expected);
    return rows[0];
  };

  it('answer: settled and billed once', async () => {
    const res = await chat('inv-openai');
    expect(res.status).toBe(200);
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'success', billing_status: 'billed' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('every candidate fails: released, one error row, not billed', async () => {
    const res = await chat('inv-fail');
    expect(res.status).toBe(502);
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'error', billing_status: 'not_billed', cost_micros: 0 });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('timeout: released, one error row', async () => {
    const res = await chat('inv-slow');
    expect(res.status).toBe(504);
    await expectOneRow(res.headers.get('x-request-id') as string, {
      status: 'error',
      error_code: 'upstream_timeout',
      billing_status: 'not_billed',
    });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('an adapter that throws while building the request: 500, nothing billed, one row', async () => {
    inject(swap(anthropicAdapter, 'buildRequest', boom));
    const res = await chat('inv-anthropic');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
    expect(JSON.stringify(res.body)).not.toContain('injected fault');
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'error', billing_status: 'not_billed', cost_micros: 0 });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('an adapter that throws while reading the answer: an error, nothing billed, one row', async () => {
    inject(swap(openaiAdapter, 'parseResponse', boom));
    const res = await chat('inv-openai');
    expect(res.status).toBeGreaterThanOrEqual(500);
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'error', billing_status: 'not_billed' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a stream translator that throws mid-stream: an error frame, what was delivered billed once', async () => {
    const original = openaiAdapter.createStreamTranslator;
    inject(
      swap(openaiAdapter, 'createStreamTranslator', (body) => {
        const inner = original(body);
        let seen = 0;
        return {
          onEvent: (event) => {
            seen += 1;
            if (seen === 4) boom();
            return inner.onEvent(event);
          },
          onEnd: () => inner.onEnd(),
        };
      }),
    );
    const res = await chatStream('inv-slow-stream');
    expect(res.status).toBe(200);
    expect(res.text).toContain('"error"');
    expect(res.text).not.toContain('[DONE]');
    await expectOneRow(res.requestId, { status: 'error' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a settlement that cannot commit (non-streaming): 500, the answer is not handed out, released, one row', async () => {
    inject(swap(f.gw.ctx.billing, 'settle', () => Promise.reject(new Error('injected: database gone'))));
    const res = await chat('inv-openai');
    expect(res.status).toBe(500);
    expect(res.body.choices).toBeUndefined();
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'error', billing_status: 'not_billed', cost_micros: 0 });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a settlement that cannot commit (stream): no [DONE], an error frame, released, one row', async () => {
    inject(swap(f.gw.ctx.billing, 'settle', () => Promise.reject(new Error('injected: database gone'))));
    const res = await chatStream('inv-openai');
    expect(res.text).not.toContain('[DONE]');
    expect(res.text).toContain('"internal_error"');
    await expectOneRow(res.requestId, { status: 'error', billing_status: 'not_billed', cost_micros: 0 });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a rate limiter that throws at settlement: the call is still billed and logged once', async () => {
    inject(swap(f.gw.ctx.rateLimiter, 'settle', boom));
    const res = await chat('inv-openai');
    expect(res.status).toBe(200);
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'success', billing_status: 'billed' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a failure path whose rate limiter throws still releases the hold and logs once', async () => {
    inject(swap(f.gw.ctx.rateLimiter, 'settle', boom));
    inject(swap(f.gw.ctx.rateLimiter, 'release', boom));
    const res = await chat('inv-fail');
    expect(res.status).toBe(502);
    await expectOneRow(res.headers.get('x-request-id') as string, { status: 'error', billing_status: 'not_billed' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a client that leaves before the provider is called: nothing sent, nothing billed, one cancelled row', async () => {
    const reserve = f.gw.ctx.billing.reserve.bind(f.gw.ctx.billing);
    let release: () => void = () => {};
    const admitted = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Admission waits until the client is gone, so the call after it must not reach the provider.
    inject(
      swap(f.gw.ctx.billing, 'reserve', async (req) => {
        await admitted;
        return reserve(req);
      }),
    );
    const before = f.mocks.openai.requests.length;
    const url = new URL(`${f.gw.url}/v1/chat/completions`);
    await new Promise<void>((resolve) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
        },
        () => {},
      );
      req.on('error', () => {});
      req.end(JSON.stringify({ model: 'inv-openai', messages: [{ role: 'user', content: 'Hello there' }] }));
      setTimeout(() => {
        req.destroy();
        setTimeout(() => {
          release();
          resolve();
        }, 50);
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(f.mocks.openai.requests.length).toBe(before);
    await f.gw.ctx.requestLogs.flush();
    const last = await f.gw.ctx.store.db
      .selectFrom('request_logs')
      .selectAll()
      .where('platform_id', '=', f.platformId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ status: 'cancelled', billing_status: 'not_billed', cost_micros: 0, error_code: 'client_closed_request' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it("a request sent in absolute form still gets the gateway's own request id (a client id cannot ride on a settled one)", async () => {
    const first = await chat('inv-openai');
    const settledId = first.headers.get('x-request-id') as string;
    const url = new URL(f.gw.url);
    const answer = await new Promise<{ status: number; id: string; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: `http://${url.host}/v1/chat/completions`,
          headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json', 'x-request-id': settledId },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, id: String(res.headers['x-request-id']), text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'inv-openai', stream: true, messages: [{ role: 'user', content: 'Hello there' }] }));
    });
    expect(answer.status).toBe(200);
    expect(answer.id).not.toBe(settledId);
    expect(answer.text).toContain('[DONE]');
    await expectOneRow(answer.id, { status: 'success', billing_status: 'billed' });
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('n choices are all reserved: n × max_tokens beyond the budget is refused, not overspent', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const user = await f.newEndUser('n-user');
    await platform.post(`/v1/platforms/${f.platformId}/end-users/${user.id}/budget`, { max_usd: 0.01 });
    const res = await client(f.gw.url, user.key).post('/v1/chat/completions', {
      model: 'inv-openai',
      n: 128,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    // 128 × 100 output tokens at $10/Mtok = $0.128 > $0.01
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('budget_exhausted');
    expect([...res.headers.keys()].filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('platform-key calls log end_user_cost equal to the cost (no end-user markup)', async () => {
    const platform = client(f.gw.url, f.platformKey);
    await platform.patch(`/v1/platforms/${f.platformId}`, { settings: { markup_percentage: 25 } });
    try {
      const res = await platform.post('/v1/chat/completions', { model: 'inv-openai', messages: [{ role: 'user', content: 'Hi' }] });
      expect(res.status).toBe(200);
      const row = await expectOneRow(res.headers.get('x-request-id') as string, { status: 'success', end_user_id: null });
      expect(Number(row.cost_micros)).toBeGreaterThan(0);
      expect(Number(row.end_user_cost_micros)).toBe(Number(row.cost_micros));
    } finally {
      await platform.patch(`/v1/platforms/${f.platformId}`, { settings: { markup_percentage: 0 } });
    }
  });
});
