import { describe, expect, it } from 'vitest';
import { ProviderProtocolError } from '../protocol-error.js';
import { parseOpenAiResponse } from './response.js';

const body = { model: 'gpt-4o', messages: [] };

describe('openai response', () => {
  it('returns the completion as is and reads usage with cached tokens', () => {
    const json = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107, prompt_tokens_details: { cached_tokens: 64 } },
      system_fingerprint: 'fp_x',
    };
    const { completion, usage } = parseOpenAiResponse(json, body);
    expect(completion).toBe(json);
    expect(usage).toEqual({
      promptTokens: 100,
      completionTokens: 7,
      cachedTokens: 64,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('reports missing usage as null, not zero', () => {
    const json = { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [] };
    expect(parseOpenAiResponse(json, body).usage).toBeNull();
  });

  it('throws a protocol error for a body without choices', () => {
    expect(() => parseOpenAiResponse({ hello: 'world' }, body)).toThrow(ProviderProtocolError);
  });
});
