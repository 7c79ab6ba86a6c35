import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { ProviderProtocolError } from '../protocol-error.js';
import type { NativeReading, UpstreamTarget } from '../types.js';
import { anthropicAdapter } from './index.js';
import { anthropicNativeMessages as native } from './native-messages.js';

const fixture = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const target: UpstreamTarget = {
  baseUrl: 'https://api.anthropic.test/v1',
  apiKey: 'sk-ant-secret',
  upstreamModel: 'claude-up',
  maxOutputTokens: 8192,
};

/** Replays a recorded transcript through a fresh reader in 5-character reads; the readings in order. */
function replay(transcript: string): NativeReading[] {
  const reader = native.createStreamReader();
  const readings: NativeReading[] = [];
  const parser = createParser({ onEvent: (m) => readings.push(reader.onEvent({ event: m.event, data: m.data } as { data: string })) });
  for (let i = 0; i < transcript.length; i += 5) parser.feed(transcript.slice(i, i + 5));
  readings.push(reader.onEnd());
  return readings;
}

const lastUsage = (readings: NativeReading[]) => readings.filter((r) => r.usage).at(-1)?.usage;
const text = (readings: NativeReading[]) => readings.map((r) => r.text ?? '').join('');

describe('Anthropic native Messages', () => {
  it('is registered on the anthropic adapter', () => {
    expect(anthropicAdapter.native?.messages).toBe(native);
  });

  it('forwards the client body untouched but for the model and stream, with the adapter headers', () => {
    const body = {
      model: 'claude-alias',
      max_tokens: 4096,
      stream: false,
      system: [{ type: 'text', text: 'long', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
      context_management: { edits: [] },
    };
    const streamed = native.buildRequest({ kind: 'anthropic', api: 'messages', body }, target, true);
    expect(streamed.url).toBe('https://api.anthropic.test/v1/messages');
    expect(streamed.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-api-key': 'sk-ant-secret',
      'anthropic-version': '2023-06-01',
    });
    expect(JSON.parse(streamed.body)).toEqual({ ...body, model: 'claude-up', stream: true });
    const beta = native.buildRequest(
      { kind: 'anthropic', api: 'messages', body, headers: { 'anthropic-beta': 'context-1m-2025-08-07' } },
      target,
      true,
    );
    expect(beta.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    const plain = native.buildRequest({ kind: 'anthropic', api: 'messages', body: { ...body, stream: true } }, target, false);
    const { stream: _s, ...rest } = body;
    expect(JSON.parse(plain.body)).toEqual({ ...rest, model: 'claude-up' });
    expect(plain.headers.accept).toBe('application/json');
  });

  it('reads a JSON answer: usage through the adapter mapping (cache reads and writes), text for estimates', () => {
    const answer = {
      id: 'msg_1',
      type: 'message',
      model: 'claude-up',
      content: [
        { type: 'thinking', thinking: 'secret plan', signature: 's' },
        { type: 'text', text: 'Hi' },
        { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
      ],
      stop_reason: 'tool_use',
      usage: {
        input_tokens: 10,
        output_tokens: 20,
        cache_read_input_tokens: 300,
        cache_creation_input_tokens: 50,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 20 },
      },
    };
    expect(native.parseResponse(answer)).toEqual({
      usage: {
        promptTokens: 360,
        completionTokens: 20,
        cachedTokens: 300,
        cacheWriteTokens: 30,
        cacheWrite1hTokens: 20,
        reasoningTokens: 0,
      },
      text: 'Hi{"a":1}',
    });
    expect(native.parseResponse({ ...answer, usage: { input_tokens: 0, output_tokens: 5 } }).usage).toBeNull();
    expect(() => native.parseResponse({ type: 'error' })).toThrow(ProviderProtocolError);
  });

  it('reads the recorded text stream: the final usage once message_delta arrives, the text delivered', () => {
    const readings = replay(fixture('text.chunks.txt'));
    expect(text(readings)).toBe('Hello!');
    expect(readings.slice(0, -3).some((r) => r.usage)).toBe(false);
    expect(lastUsage(readings)).toEqual({
      promptTokens: 25,
      completionTokens: 15,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
    expect(readings.some((r) => r.error)).toBe(false);
  });

  it('reads the recorded tool-use stream with cache reads and writes', () => {
    const readings = replay(fixture('tool-use.chunks.txt'));
    expect(text(readings)).toBe('Okay, let me check the weather.get_weather{"location": "San Francisco, CA"}get_time{"tz": "PST"}');
    expect(lastUsage(readings)).toEqual({
      promptTokens: 2572,
      completionTokens: 89,
      cachedTokens: 2000,
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('reports a stream that ends before message_stop, and an error event, as errors', () => {
    const transcript = fixture('text.chunks.txt');
    const cut = transcript.slice(0, transcript.indexOf('event: message_delta'));
    const readings = replay(cut);
    expect(readings.at(-1)?.error).toMatchObject({
      kind: 'bad_response',
      retryable: true,
      message: 'upstream stream ended before message_stop',
    });
    expect(lastUsage(readings)).toBeUndefined();

    const overloaded = `${transcript.slice(0, transcript.indexOf('event: content_block_start'))}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    const errored = replay(overloaded);
    expect(errored.find((r) => r.error)?.error).toMatchObject({ kind: 'server', status: 529, retryable: true, message: 'Overloaded' });
    // Once failed, the end of the body adds nothing.
    expect(errored.at(-1)).toEqual({});
  });

  it('counts thinking deltas as delivered text and skips event types it does not know', () => {
    const reader = native.createStreamReader();
    expect(
      reader.onEvent({ data: '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"let me"}}' }),
    ).toEqual({
      text: 'let me',
    });
    expect(reader.onEvent({ data: '{"type":"brand_new_event","x":1}' })).toEqual({});
    expect(reader.onEvent({ data: 'not json' }).error?.kind).toBe('bad_response');
  });
});
