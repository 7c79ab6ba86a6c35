import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/inference/providers/index.js';
import type { ChatRequest } from '../../../src/inference/providers/types.js';
import { plainUsage } from '../../../src/inference/providers/wire-usage.js';
import { closeUpstreamPools, sendChat } from '../../../src/inference/upstream/index.js';
import { type MockProvider, startMockOpenAI } from '../../mocks/index.js';
import { streamedText, streamedToolCalls } from '../../mocks/replay-sse.js';
import { collect, expectJson, expectStream, lastBody, targetFor } from './helpers.js';

const adapter = adapterFor('openai');
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockOpenAI();
});
afterAll(async () => {
  await mock.close();
  await closeUpstreamPools();
});

describe('openai kind against the mock', () => {
  it('sends the body through with the upstream model and a bearer key, and returns the completion with usage', async () => {
    const body: ChatRequest = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hello there' },
      ],
      seed: 3,
      vendor_flag: true,
    };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'gpt-4o-2024-08-06', 'sk-mock-123'), body, { stream: false }));
    expect(result.completion.choices[0]?.message.content).toBe('Echo: Hello there [system: Be terse.]');
    expect(result.completion.model).toBe('gpt-4o-2024-08-06');
    expect(result.usage).toEqual(plainUsage(13, 10));
    const recorded = mock.requests.at(-1);
    expect(recorded?.path).toBe('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe('Bearer sk-mock-123');
    expect(recorded?.body).toEqual({ ...body, model: 'gpt-4o-2024-08-06' });
  });

  it('reads cached prompt tokens and reports absent usage as null', async () => {
    const body: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Hello there' }] };
    expect(expectJson(await sendChat(adapter, targetFor(mock.url, 'm-cached'), body, { stream: false })).usage).toEqual({
      promptTokens: 11,
      completionTokens: 5,
      cachedTokens: 5,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
    expect(expectJson(await sendChat(adapter, targetFor(mock.url, 'm-no-usage'), body, { stream: false })).usage).toBeNull();
  });

  it('passes images and multi-turn tool results through', async () => {
    const body: ChatRequest = {
      model: 'x',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C and sunny' },
      ],
      tools: [weatherTool],
    };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-tools'), body, { stream: false }));
    expect(result.completion.choices[0]?.message.content).toBe('The tool said: 18C and sunny');
    expect((lastBody(mock) as ChatRequest).messages).toEqual(body.messages);
  });

  it('returns tool calls', async () => {
    const body: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-tools'), body, { stream: false }));
    expect(result.completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    });
  });

  it('streams text chunks, asks for usage and turns the usage chunk into one usage event', async () => {
    const body: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Stream me please' }], stream: true };
    const stream = expectStream(await sendChat(adapter, targetFor(mock.url, 'm'), body, { stream: true }));
    const events = await collect(stream.events);
    expect((lastBody(mock) as ChatRequest).stream_options).toEqual({ include_usage: true });
    expect(streamedText(events)).toBe('Echo: Stream me please');
    expect(events.filter((e) => e.type === 'usage')).toEqual([
      {
        type: 'usage',
        usage: { promptTokens: 12, completionTokens: 6, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
        wire: expect.objectContaining({ prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 }),
      },
    ]);
    expect(events.filter((e) => e.type === 'chunk' && e.chunk.choices.length === 0)).toEqual([]);
  });

  it('streams tool-call deltas', async () => {
    const body: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] };
    const events = await collect(expectStream(await sendChat(adapter, targetFor(mock.url, 'm-tools'), body, { stream: true })).events);
    expect(streamedToolCalls(events)).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
  });

  it('ends a stream without usage when the provider sends none', async () => {
    const body: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'hi' }] };
    const events = await collect(expectStream(await sendChat(adapter, targetFor(mock.url, 'm-no-usage'), body, { stream: true })).events);
    expect(events.map((e) => e.type)).not.toContain('usage');
    expect(events.map((e) => e.type)).not.toContain('error');
  });
});
