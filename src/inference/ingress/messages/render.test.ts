import { describe, expect, it } from 'vitest';
import { ApiError, errors } from '../../../http/errors.js';
import type { ChatCompletion, FinishReason, Usage } from '../../providers/types.js';
import { plainUsage } from '../../providers/wire-usage.js';
import { anthropicErrorBody } from './errors.js';
import { renderMessage, renderNativeMessage } from './render.js';

const ctx = { requestId: 'req_abc123', model: 'claude-alias', createdAtS: 1_700_000_000, promptEstimate: 12 };

function completion(message: ChatCompletion['choices'][number]['message'], finish: FinishReason | null): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-x',
    choices: [{ index: 0, message, finish_reason: finish }],
  };
}

describe('internal answer → Anthropic message', () => {
  it('renders text and tool calls as blocks, the client model echoed, tool arguments parsed into input', () => {
    const answer = completion(
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      'tool_calls',
    );
    expect(renderMessage(answer, plainUsage(30, 7), ctx)).toEqual({
      id: 'msg_req_abc123',
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      model: 'claude-alias',
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 30,
        output_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ] as const)('maps finish_reason %s to stop_reason %s', (finish, stop) => {
    expect(renderMessage(completion({ role: 'assistant', content: 'x' }, finish), plainUsage(1, 1), ctx).stop_reason).toBe(stop);
  });

  it('reports input_tokens as the prompt neither read from nor written to the cache, reads and writes apart', () => {
    const usage: Usage = {
      promptTokens: 1000,
      completionTokens: 50,
      cachedTokens: 600,
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 40,
      reasoningTokens: 0,
    };
    expect(renderMessage(completion({ role: 'assistant', content: 'x' }, 'stop'), usage, ctx).usage).toEqual({
      input_tokens: 260,
      output_tokens: 50,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 140,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 40 },
    });
  });

  it('renders an empty answer as no content blocks', () => {
    expect(renderMessage(completion({ role: 'assistant', content: '' }, 'stop'), plainUsage(1, 0), ctx).content).toEqual([]);
  });

  it('renames the model in a native answer and leaves the rest untouched', () => {
    const native = { id: 'msg_up', model: 'claude-sonnet-4-20250514', content: [{ type: 'thinking', thinking: 't' }], usage: {} };
    expect(renderNativeMessage(native, ctx)).toEqual({ ...native, model: 'claude-alias' });
  });
});

describe('errors in Anthropic shape', () => {
  it.each([
    [errors.validation('max_tokens', 'Missing max_tokens.'), 'invalid_request_error'],
    [errors.invalidKey(), 'authentication_error'],
    [new ApiError(402, 'wallet_insufficient', 'Top up.'), 'billing_error'],
    [errors.forbidden('no'), 'permission_error'],
    [new ApiError(404, 'model_not_found', 'No model.'), 'not_found_error'],
    [errors.tooLarge(10), 'request_too_large'],
    [new ApiError(429, 'rate_limit_exceeded', 'Slow down.'), 'rate_limit_error'],
    [errors.conflict('busy'), 'invalid_request_error'],
    [new ApiError(502, 'upstream_error', 'Provider down.'), 'api_error'],
    [new ApiError(504, 'upstream_timeout', 'Slow provider.'), 'api_error'],
    [errors.internal(), 'api_error'],
  ])('%s → %s, our code kept', (err, type) => {
    const body = anthropicErrorBody(err, 'req_1');
    expect(body).toEqual({
      type: 'error',
      error: { type, message: err.message, code: err.code, ...(err.param !== null && { param: err.param }) },
      request_id: 'req_1',
    });
  });
});
