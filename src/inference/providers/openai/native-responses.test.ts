import { describe, expect, it } from 'vitest';
import { ProviderProtocolError } from '../protocol-error.js';
import type { NativeReading } from '../types.js';
import { openAiNativeResponses } from './native-responses.js';

const target = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test', upstreamModel: 'gpt-5-mini-2026', maxOutputTokens: 4096 };
const usage = {
  input_tokens: 120,
  input_tokens_details: { cached_tokens: 100 },
  output_tokens: 30,
  output_tokens_details: { reasoning_tokens: 12 },
  total_tokens: 150,
};

/** A streamed answer as OpenAI sends it (platform.openai.com/docs/api-reference/responses-streaming), abridged. */
const events = [
  { type: 'response.created', sequence_number: 0, response: { id: 'resp_up', object: 'response', status: 'in_progress', output: [] } },
  { type: 'response.in_progress', sequence_number: 1, response: { id: 'resp_up', object: 'response', status: 'in_progress', output: [] } },
  {
    type: 'response.output_item.added',
    sequence_number: 2,
    output_index: 0,
    item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] },
  },
  { type: 'response.output_text.delta', sequence_number: 3, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello' },
  {
    type: 'response.output_item.added',
    sequence_number: 4,
    output_index: 1,
    item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '' },
  },
  { type: 'response.function_call_arguments.delta', sequence_number: 5, item_id: 'fc_1', output_index: 1, delta: '{"q":1}' },
  {
    type: 'response.completed',
    sequence_number: 6,
    response: { id: 'resp_up', object: 'response', status: 'completed', output: [], usage },
  },
];

function read(list: unknown[], end = true): NativeReading[] {
  const reader = openAiNativeResponses.createStreamReader();
  const readings = list.map((e) => reader.onEvent({ event: (e as { type: string }).type, data: JSON.stringify(e) }));
  if (end) readings.push(reader.onEnd());
  return readings;
}

describe('the native Responses adapter', () => {
  it('posts the client body to /responses with the route model and the provider key', () => {
    const request = openAiNativeResponses.buildRequest(
      { kind: 'openai', api: 'responses', body: { model: 'client', input: 'hi', stream: false, store: false } },
      target,
      true,
    );
    expect(request.url).toBe('https://api.openai.com/v1/responses');
    expect(request.headers).toMatchObject({ authorization: 'Bearer sk-test', accept: 'text/event-stream' });
    expect(JSON.parse(request.body)).toEqual({ model: 'gpt-5-mini-2026', input: 'hi', store: false, stream: true });
  });

  it('reads usage with cached and reasoning tokens from a JSON answer, and its delivered text', () => {
    const json = {
      id: 'resp_up',
      object: 'response',
      status: 'completed',
      output: [
        { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'c', name: 'f', arguments: '{}' },
      ],
      usage,
    };
    expect(openAiNativeResponses.parseResponse(json)).toEqual({
      usage: {
        promptTokens: 120,
        completionTokens: 30,
        cachedTokens: 100,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
        reasoningTokens: 12,
      },
      text: 'Hi theref{}',
    });
    expect(() => openAiNativeResponses.parseResponse({ choices: [] })).toThrow(ProviderProtocolError);
  });

  it('reports usage from response.completed and the text of every delta', () => {
    const readings = read(events);
    expect(readings.map((r) => r.text ?? '').join('')).toBe('Hellolookup{"q":1}');
    expect(readings.filter((r) => r.usage)).toEqual([
      {
        usage: {
          promptTokens: 120,
          completionTokens: 30,
          cachedTokens: 100,
          cacheWriteTokens: 0,
          cacheWrite1hTokens: 0,
          reasoningTokens: 12,
        },
      },
    ]);
    expect(readings.some((r) => r.error)).toBe(false);
  });

  it('turns error and response.failed events into errors, and a stream without response.completed into a bad response', () => {
    const rateLimited = read([
      events[0],
      { type: 'error', sequence_number: 1, code: 'rate_limit_exceeded', message: 'Slow down', param: null },
    ]);
    expect(rateLimited[1].error).toMatchObject({ kind: 'rate_limited', status: 429 });
    const failed = read([
      events[0],
      {
        type: 'response.failed',
        sequence_number: 1,
        response: { status: 'failed', error: { code: 'server_error', message: 'The model failed.' } },
      },
    ]);
    expect(failed[1].error).toMatchObject({ kind: 'server', message: expect.stringContaining('The model failed.') });
    expect(failed[2]).toEqual({});
    const cut = read(events.slice(0, 4));
    expect(cut[cut.length - 1].error).toMatchObject({ kind: 'bad_response' });
    const reader = openAiNativeResponses.createStreamReader();
    expect(reader.onEvent({ data: '{"type":"response.output_text.delta",' }).error).toMatchObject({ kind: 'bad_response' });
  });
});
