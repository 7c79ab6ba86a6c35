import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/inference/providers/index.js';
import type { ChatRequest } from '../../../src/inference/providers/types.js';
import { plainUsage } from '../../../src/inference/providers/wire-usage.js';
import { closeUpstreamPools, sendChat } from '../../../src/inference/upstream/index.js';
import { type MockProvider, startMockGoogle } from '../../mocks/index.js';
import { finishReasons, streamedText, streamedToolCalls } from '../../mocks/replay-sse.js';
import { collect, expectJson, expectStream, lastBody, targetFor } from './helpers.js';

const adapter = adapterFor('google');
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockGoogle();
});
afterAll(async () => {
  await mock.close();
  await closeUpstreamPools();
});

describe('google kind against the mock', () => {
  it('translates a text request and answer, with systemInstruction and usage', async () => {
    const body: ChatRequest = {
      model: 'gemini',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hello there' },
      ],
      temperature: 0.1,
    };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'gemini-2.5-flash', 'AIza-mock'), body, { stream: false }));
    expect(result.completion).toMatchObject({
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: Hello there [system: Be terse.]' }, finish_reason: 'stop' }],
    });
    expect(result.usage).toEqual(plainUsage(13, 10));
    const recorded = mock.requests.at(-1);
    expect(recorded?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(recorded?.headers['x-goog-api-key']).toBe('AIza-mock');
    expect(recorded?.body).toMatchObject({ systemInstruction: { parts: [{ text: 'Be terse.' }] }, generationConfig: { temperature: 0.1 } });
  });

  it('answers one choice per candidate when n > 1', async () => {
    const body: ChatRequest = { model: 'g', messages: [{ role: 'user', content: 'Two please' }], n: 2 };
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'm'), body, { stream: false }));
    expect(result.completion.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'Echo: Two please'],
      [1, 'Echo: Two please'],
    ]);
  });

  it('sends images as inlineData and fileData, and reads cached tokens', async () => {
    const body: ChatRequest = {
      model: 'g',
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
    const result = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-cached'), body, { stream: false }));
    expect(result.completion.choices[0]?.message.content).toBe('Echo: Compare [images: 2]');
    expect(result.usage).toEqual({
      promptTokens: 10,
      completionTokens: 7,
      cachedTokens: 5,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('returns function calls as tool_calls and sends results back as functionResponse parts', async () => {
    const first: ChatRequest = {
      model: 'g',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    };
    const call = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-tools'), first, { stream: false }));
    const choice = call.completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const toolCall = choice?.message.tool_calls?.[0];
    expect(toolCall).toMatchObject({
      id: expect.stringMatching(/^call_/),
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(mock.requests.at(-1)?.body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: weatherTool.function.parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    });

    const second: ChatRequest = {
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: null, tool_calls: choice?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: toolCall?.id ?? '', content: '{"temp":18}' },
      ],
    };
    const answer = expectJson(await sendChat(adapter, targetFor(mock.url, 'm-tools'), second, { stream: false }));
    expect(answer.completion.choices[0]?.message.content).toBe('The tool said: {"temp":18}');
    expect((lastBody(mock) as { contents: unknown[] }).contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 18 } } }] },
    ]);
  });

  it('streams text over alt=sse with usage from the last usageMetadata', async () => {
    const body: ChatRequest = { model: 'g', messages: [{ role: 'user', content: 'Stream me please' }] };
    const events = await collect(expectStream(await sendChat(adapter, targetFor(mock.url, 'm'), body, { stream: true })).events);
    expect(mock.requests.at(-1)?.path).toBe('/v1beta/models/m:streamGenerateContent?alt=sse');
    expect(events[0]).toMatchObject({ type: 'chunk', chunk: { choices: [{ delta: { role: 'assistant' } }] } });
    expect(streamedText(events)).toBe('Echo: Stream me please');
    expect(finishReasons(events)).toEqual([[0, 'stop']]);
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: { promptTokens: 12, completionTokens: 6, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    });
  });

  it('streams function calls as tool-call deltas', async () => {
    const body: ChatRequest = { model: 'g', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] };
    const events = await collect(expectStream(await sendChat(adapter, targetFor(mock.url, 'm-tools'), body, { stream: true })).events);
    expect(streamedToolCalls(events)).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    expect(finishReasons(events)).toEqual([[0, 'tool_calls']]);
  });
});
