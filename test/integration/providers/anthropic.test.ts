import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/inference/providers/index.js';
import type { ChatRequest } from '../../../src/inference/providers/types.js';
import { plainUsage } from '../../../src/inference/providers/wire-usage.js';
import { closeUpstreamPools, sendChat } from '../../../src/inference/upstream/index.js';
import { type MockProvider, startMockAnthropic } from '../../mocks/index.js';
import { finishReasons, streamedText, streamedToolCalls } from '../../mocks/replay-sse.js';
import { collect, expectJson, expectStream, lastBody, targetFor } from './helpers.js';

const adapter = adapterFor('anthropic');
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockAnthropic();
});
afterAll(async () => {
  await mock.close();
  await closeUpstreamPools();
});

describe('anthropic kind against the mock', () => {
  it('translates a text request and answer, with system prompt and usage', async () => {
    const body: ChatRequest = {
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hello there' },
      ],
      max_tokens: 99,
    };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'claude-sonnet-4', 'sk-ant-mock'), body, { stream: false }));
    expect(result.completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet-4',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: Hello there [system: Be terse.]' }, finish_reason: 'stop' }],
    });
    expect(result.usage).toEqual(plainUsage(13, 10));
    const recorded = mock.requests.at(-1);
    expect(recorded?.headers['x-api-key']).toBe('sk-ant-mock');
    expect(recorded?.headers['anthropic-version']).toBe('2023-06-01');
    expect(recorded?.body).toMatchObject({ model: 'claude-sonnet-4', max_tokens: 99, system: [{ type: 'text', text: 'Be terse.' }] });
  });

  it('uses the route max_output_tokens when the client sets none, and counts cache reads as prompt tokens', async () => {
    const body: ChatRequest = { model: 'c', messages: [{ role: 'user', content: 'Hello there' }] };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-cached'), body, { stream: false }));
    expect((lastBody(mock) as { max_tokens: number }).max_tokens).toBe(1024);
    expect(result.usage).toEqual({
      promptTokens: 11,
      completionTokens: 5,
      cachedTokens: 5,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('sends images as base64 and url sources', async () => {
    const body: ChatRequest = {
      model: 'c',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.jpg' } },
          ],
        },
      ],
    };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'm'), body, { stream: false }));
    expect(result.completion.choices[0]?.message.content).toBe('Echo: Compare [images: 2]');
  });

  it('returns tool_use as tool_calls and sends tool results back as tool_result blocks', async () => {
    const first: ChatRequest = {
      model: 'c',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'required',
    };
    const call = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-tools'), first, { stream: false }));
    const choice = call.completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const toolCall = choice?.message.tool_calls?.[0];
    expect(toolCall).toMatchObject({
      id: expect.stringMatching(/^toolu_/),
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(mock.requests.at(-1)?.body).toMatchObject({
      tools: [{ name: 'get_weather', input_schema: weatherTool.function.parameters }],
      tool_choice: { type: 'any' },
    });

    const second: ChatRequest = {
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: choice?.message.content ?? null, tool_calls: choice?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: toolCall?.id ?? '', content: '18C' },
      ],
    };
    const answer = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-tools'), second, { stream: false }));
    expect(answer.completion.choices[0]?.message.content).toBe('The tool said: 18C');
    expect((lastBody(mock) as { messages: unknown[] }).messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: toolCall?.id, content: '18C' }],
    });
  });

  it('streams text: role first, deltas, one finish_reason, usage last', async () => {
    const body: ChatRequest = { model: 'c', messages: [{ role: 'user', content: 'Stream me please' }] };
    const events = await collect(expectStream(await sendChat(adapter, targetFor(mock.url, 'm'), body, { stream: true })).events);
    expect(events[0]).toMatchObject({
      type: 'chunk',
      chunk: { object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant' } }] },
    });
    expect(streamedText(events)).toBe('Echo: Stream me please');
    expect(finishReasons(events)).toEqual([[0, 'stop']]);
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: { promptTokens: 12, completionTokens: 6, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    });
  });

  it('streams tool calls as indexed deltas', async () => {
    const body: ChatRequest = { model: 'c', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] };
    const events = await collect(expectStream(await sendChat(adapter, targetFor(mock.url, 'm-tools'), body, { stream: true })).events);
    expect(streamedText(events)).toBe('Let me check.');
    expect(streamedToolCalls(events)).toEqual([
      { id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    expect(finishReasons(events)).toEqual([[0, 'tool_calls']]);
  });
});
