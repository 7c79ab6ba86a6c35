import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/inference/providers/index.js';
import type { ProviderKind } from '../../../src/inference/providers/types.js';
import { Cancellation, closeUpstreamPools, sendChat } from '../../../src/inference/upstream/index.js';
import { type MockProvider, startMockAnthropic, startMockGoogle, startMockOpenAI } from '../../mocks/index.js';
import { closedPort, collect, eventually, expectStream, targetFor } from './helpers.js';

const cases: Array<{ kind: ProviderKind; start: () => Promise<MockProvider>; overloaded: number; badKeyStatus: number }> = [
  { kind: 'openai', start: startMockOpenAI, overloaded: 503, badKeyStatus: 401 },
  { kind: 'anthropic', start: startMockAnthropic, overloaded: 529, badKeyStatus: 401 },
  { kind: 'google', start: startMockGoogle, overloaded: 503, badKeyStatus: 400 },
];

const body = { model: 'client-model', messages: [{ role: 'user' as const, content: 'Hello there' }] };

afterAll(() => closeUpstreamPools());

describe.each(cases)('$kind upstream failures', ({ kind, start, overloaded, badKeyStatus }) => {
  const adapter = adapterFor(kind);
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await start();
  });
  afterAll(() => mock.close());

  it('answers a provider 400 as a final invalid_request', async () => {
    const result = await sendChat(adapter, targetFor(mock.url, 'm-fail-400'), body, { stream: false });
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_request', status: 400, retryable: false } });
  });

  it('answers 429 as rate_limited with the retry-after seconds', async () => {
    const result = await sendChat(adapter, targetFor(mock.url, 'm-fail-429'), body, { stream: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'rate_limited', status: 429, retryable: true, retryAfterSeconds: 7 } });
  });

  it.each([500, 0])('answers 5xx as a retryable server error (%i = the provider overload status)', async (status) => {
    const code = status === 0 ? overloaded : status;
    const result = await sendChat(adapter, targetFor(mock.url, `m-fail-${code}`), body, { stream: false });
    expect(result).toMatchObject({ ok: false, error: { kind: 'server', status: code, retryable: true } });
  });

  it('answers a refused key as retryable auth, without the key in the message', async () => {
    const result = await sendChat(adapter, targetFor(mock.url, 'm', 'bad-key'), body, { stream: false });
    expect(result).toMatchObject({ ok: false, error: { kind: 'auth', status: badKeyStatus, retryable: true } });
    expect(JSON.stringify(result)).not.toContain('bad-key');
  });

  it('times out waiting for headers as a retryable timeout', async () => {
    const started = Date.now();
    const result = await sendChat(adapter, targetFor(mock.url, 'm-slow-headers-4000'), body, {
      stream: false,
      timeouts: { firstByteTimeoutMs: 150 },
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', status: 0, retryable: true } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers connection refused as a retryable connection error', async () => {
    const port = await closedPort();
    const result = await sendChat(adapter, targetFor(`http://127.0.0.1:${port}/v1`, 'm'), body, { stream: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'connection', status: 0, retryable: true } });
  });

  it('resolves ok:false when the connection dies after the headers but before any event', async () => {
    const result = await sendChat(adapter, targetFor(mock.url, 'm-cut-start'), body, { stream: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'connection', retryable: true } });
  });

  it('resolves ok:false when the first stream event is a provider error', async () => {
    const result = await sendChat(adapter, targetFor(mock.url, 'm-stream-error-first'), body, { stream: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'server', retryable: true } });
  });

  it('ends a stream cut mid-way with one final error event', async () => {
    const stream = expectStream(await sendChat(adapter, targetFor(mock.url, 'm-cut-stream'), body, { stream: true }));
    const events = await collect(stream.events);
    expect(events[0]).toMatchObject({ type: 'chunk', chunk: { choices: [{ delta: { role: 'assistant' } }] } });
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'connection', retryable: true } });
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
  });

  it('ends a stream with the provider error event sent mid-way', async () => {
    const stream = expectStream(await sendChat(adapter, targetFor(mock.url, 'm-stream-error'), body, { stream: true }));
    const events = await collect(stream.events);
    expect(events.some((e) => e.type === 'chunk' && e.chunk.choices[0]?.delta.content)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'server', retryable: true } });
  });

  it('ends a stream that goes silent with a timeout error event', async () => {
    const stream = expectStream(
      await sendChat(adapter, targetFor(mock.url, 'm-slow-stream-1000'), body, { stream: true, timeouts: { idleTimeoutMs: 150 } }),
    );
    const events = await collect(stream.events);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'timeout' } });
  });

  it('aborts the upstream request and ends the events when the caller signal aborts', async () => {
    const controller = new Cancellation();
    const stream = expectStream(
      await sendChat(adapter, targetFor(mock.url, 'm-slow-stream-50'), body, { stream: true, signal: controller }),
    );
    const seen = [];
    for await (const event of stream.events) {
      seen.push(event);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.length).toBeLessThan(8);
    expect(seen.every((e) => e.type === 'chunk')).toBe(true);
    const recorded = mock.requests.at(-1);
    await eventually(() => recorded?.aborted === true);
  });

  it('closes the upstream request when the consumer stops iterating', async () => {
    const stream = expectStream(await sendChat(adapter, targetFor(mock.url, 'm-slow-stream-50'), body, { stream: true }));
    for await (const event of stream.events) if (event.type === 'chunk') break;
    const recorded = mock.requests.at(-1);
    await eventually(() => recorded?.aborted === true);
  });

  it('ends the events without an error after abort()', async () => {
    const stream = expectStream(await sendChat(adapter, targetFor(mock.url, 'm-slow-stream-50'), body, { stream: true }));
    const seen = [];
    for await (const event of stream.events) {
      seen.push(event);
      if (seen.length === 2) stream.abort();
    }
    expect(seen.map((e) => e.type)).not.toContain('error');
    const recorded = mock.requests.at(-1);
    await eventually(() => recorded?.aborted === true);
  });

  it('does not call the provider when the signal is already aborted', async () => {
    const before = mock.requests.length;
    const result = await sendChat(adapter, targetFor(mock.url, 'm'), body, { stream: true, signal: Cancellation.aborted() });
    expect(result).toMatchObject({ ok: false, error: { retryable: false } });
    expect(mock.requests.length).toBe(before);
  });

  it('aborts a non-streaming call that is still waiting for headers', async () => {
    const controller = new Cancellation();
    setTimeout(() => controller.abort(), 50);
    const result = await sendChat(adapter, targetFor(mock.url, 'm-slow-headers-2000'), body, { stream: false, signal: controller });
    expect(result).toMatchObject({ ok: false, error: { retryable: false } });
  });

  it('reports a body cut in the middle of a non-streaming answer as a connection error', async () => {
    const result = await sendChat(adapter, targetFor(mock.url, 'm-cut-stream'), body, { stream: false });
    expect(result).toMatchObject({ ok: false, error: { kind: 'connection', retryable: true } });
  });
});
