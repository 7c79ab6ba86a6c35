import { describe, expect, it } from 'vitest';
import { ProviderProtocolError } from '../protocol-error.js';
import { parseAnthropicResponse } from './response.js';

const body = { model: 'claude', messages: [] };

describe('anthropic response', () => {
  it('maps text, usage with cache reads and writes, and end_turn', () => {
    const { completion, usage } = parseAnthropicResponse(
      {
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-20250514',
        content: [{ type: 'text', text: 'Hello!' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 12, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 6 },
      },
      body,
    );
    expect(usage).toEqual({
      promptTokens: 2112,
      completionTokens: 6,
      cachedTokens: 2000,
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
    expect(completion).toMatchObject({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      model: 'claude-sonnet-4-20250514',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2112, completion_tokens: 6, total_tokens: 2118, prompt_tokens_details: { cached_tokens: 2000 } },
    });
  });

  it('maps tool_use blocks to tool_calls', () => {
    const { completion } = parseAnthropicResponse(
      {
        id: 'msg_2',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'San Francisco, CA' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 20 },
      },
      body,
    );
    expect(completion.choices[0]).toMatchObject({
      message: {
        content: 'Let me check.',
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' },
          },
        ],
      },
      finish_reason: 'tool_calls',
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to %s', (stopReason, finish) => {
    const { completion } = parseAnthropicResponse({ id: 'm', content: [], stop_reason: stopReason }, body);
    expect(completion.choices[0]?.finish_reason).toBe(finish);
  });

  it('throws a protocol error for a body that is not a message', () => {
    expect(() => parseAnthropicResponse({ type: 'error' }, body)).toThrow(ProviderProtocolError);
  });
});
