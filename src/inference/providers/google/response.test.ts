import { describe, expect, it } from 'vitest';
import { ProviderProtocolError } from '../protocol-error.js';
import { parseGoogleResponse } from './response.js';

const body = { model: 'gemini', messages: [] };

describe('google response', () => {
  it('maps candidates and usageMetadata (thinking tokens are completion, cached are part of the prompt)', () => {
    const { completion, usage } = parseGoogleResponse(
      {
        candidates: [
          {
            content: { parts: [{ text: 'thinking…', thought: true }, { text: 'Hello' }, { text: ' world' }], role: 'model' },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 100,
          candidatesTokenCount: 5,
          thoughtsTokenCount: 40,
          cachedContentTokenCount: 60,
          totalTokenCount: 145,
        },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'resp-1',
      },
      body,
    );
    expect(usage).toEqual({
      promptTokens: 100,
      completionTokens: 45,
      cachedTokens: 60,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 40,
    });
    expect(completion).toMatchObject({
      id: 'resp-1',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 45, total_tokens: 145, prompt_tokens_details: { cached_tokens: 60 } },
    });
  });

  it('maps function calls to tool_calls with generated ids and finish_reason tool_calls', () => {
    const { completion } = parseGoogleResponse(
      {
        candidates: [
          { content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }], role: 'model' }, finishReason: 'STOP' },
        ],
      },
      body,
    );
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(choice?.message.tool_calls?.[0]?.id).toMatch(/^call_[A-Za-z0-9_-]{24}$/);
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
  ])('maps finishReason %s to %s', (finishReason, expected) => {
    const { completion } = parseGoogleResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason }] }, body);
    expect(completion.choices[0]?.finish_reason).toBe(expected);
  });

  it('returns one choice per candidate, and content_filter when the prompt was blocked', () => {
    const two = parseGoogleResponse(
      {
        candidates: [
          { content: { parts: [{ text: 'b' }] }, finishReason: 'STOP', index: 1 },
          { content: { parts: [{ text: 'a' }] }, finishReason: 'STOP', index: 0 },
        ],
      },
      body,
    );
    expect(two.completion.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    const blocked = parseGoogleResponse(
      { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } },
      body,
    );
    expect(blocked.completion.choices[0]?.finish_reason).toBe('content_filter');
    expect(blocked.usage).toEqual({
      promptTokens: 8,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
    expect(() => parseGoogleResponse({}, body)).toThrow(ProviderProtocolError);
  });
});
