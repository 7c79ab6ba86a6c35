/**
 * The shared upstream client against a real mock over HTTP: whatever an adapter or a provider does
 * wrong on the response side, sendChat resolves to a tagged result (never a throw), with the key removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/inference/providers/index.js';
import type { ProviderAdapter } from '../../../src/inference/providers/types.js';
import { closeUpstreamPools, sendChat } from '../../../src/inference/upstream/index.js';
import { type MockProvider, startMockOpenAI } from '../../mocks/index.js';
import { collect, expectStream, targetFor } from './helpers.js';

const body = { model: 'client-model', messages: [{ role: 'user' as const, content: 'Hello there' }] };
const KEY = 'sk-proj-Zx81LmQ0vB5nR2tY7wK4pH9jD3sF6gA1cE-Tq_Ui8Op0AsDf';

/** The openai adapter with one response-side method replaced by one that throws like a buggy adapter. */
function throwing(method: 'parseResponse' | 'parseError' | 'createStreamTranslator'): ProviderAdapter {
  const base = adapterFor('openai');
  const boom = (): never => {
    throw new TypeError(`Cannot read properties of undefined (reading 'choices') near ${KEY}`);
  };
  if (method === 'createStreamTranslator') return { ...base, createStreamTranslator: () => ({ onEvent: boom, onEnd: boom }) };
  return { ...base, [method]: boom };
}

afterAll(() => closeUpstreamPools());

describe('sendChat never throws on a broken response side', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockOpenAI();
  });
  afterAll(() => mock.close());

  it('a parseResponse that throws something other than ProviderProtocolError is a retryable bad_response', async () => {
    const result = await sendChat(throwing('parseResponse'), targetFor(mock.url, 'm', KEY), body, { stream: false });
    expect(result).toEqual({
      ok: false,
      error: { kind: 'bad_response', status: 200, retryable: true, message: 'the provider answered a body the gateway could not read' },
    });
  });

  it('a stream translator that throws is a retryable bad_response before the first byte', async () => {
    const result = await sendChat(throwing('createStreamTranslator'), targetFor(mock.url, 'm', KEY), body, { stream: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'bad_response', retryable: true } });
    expect(JSON.stringify(result)).not.toContain('choices');
  });

  it('a parseError that throws still classifies the status', async () => {
    const result = await sendChat(throwing('parseError'), targetFor(mock.url, 'm-fail-503', KEY), body, { stream: false });
    expect(result).toEqual({
      ok: false,
      error: { kind: 'server', status: 503, retryable: true, message: 'the provider answered HTTP 503' },
    });
  });

  it.each(['echo-key', 'echo-key-upper', 'echo-key-pct', 'echo-key-json', 'echo-key-cut', 'echo-key-40'])(
    '%s: the error message carries no 8-character fragment of the key',
    async (model) => {
      for (const stream of [false, true]) {
        const result = await sendChat(adapterFor('openai'), targetFor(mock.url, `m-${model}`, KEY), body, { stream });
        expect(result).toMatchObject({ ok: false, error: { kind: 'server', status: 500, retryable: true } });
        const text = JSON.stringify(result).toLowerCase();
        for (let i = 0; i + 8 <= KEY.length; i += 1) expect(text).not.toContain(KEY.slice(i, i + 8).toLowerCase());
      }
    },
  );

  it('an error-first stream is a failed call the pipeline can fall back from', async () => {
    const result = await sendChat(adapterFor('openai'), targetFor(mock.url, 'm-stream-error-first', KEY), body, { stream: true });
    expect(result).toMatchObject({ ok: false, error: { kind: 'server', retryable: true } });
  });

  it('a malformed chunk after the first bytes ends the events with one error, nothing after it', async () => {
    const stream = expectStream(
      await sendChat(adapterFor('openai'), targetFor(mock.url, 'm-bad-null-choice', KEY), body, { stream: true }),
    );
    const events = await collect(stream.events);
    expect(events.map((e) => e.type)).toEqual(['chunk', 'chunk', 'error']);
    expect(events[2]).toMatchObject({ error: { kind: 'bad_response', message: expect.stringContaining('choice is not an object') } });
  });
});
