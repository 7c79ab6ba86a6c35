import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import { parseCountTokensBody, parseMessagesBody } from './request.js';

const ok = { model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown): ApiError {
  try {
    parseMessagesBody(body);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('accepted');
}

const msg = (content: unknown, role = 'user') => ({ ...ok, messages: [{ role, content }] });

describe('Messages request validation', () => {
  it('accepts every documented field, unknown fields kept', () => {
    const body = {
      ...ok,
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look', cache_control: { type: 'ephemeral' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
            { type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_1', name: 'get', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'r' }], is_error: true },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'plain' },
          ],
        },
      ],
      tools: [{ name: 'get', description: 'd', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'get', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'u-1' },
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 2048,
      context_management: { edits: [] },
    };
    expect(parseMessagesBody(body)).toBe(body);
  });

  it.each([
    [{ ...ok, max_tokens: undefined }, 'max_tokens', 'Missing required parameter'],
    [{ ...ok, max_tokens: 0 }, 'max_tokens', 'from 1'],
    [{ ...ok, max_tokens: 1.5 }, 'max_tokens', 'integer'],
    [{ ...ok, model: '' }, 'model', 'model'],
    [{ ...ok, messages: [] }, 'messages', 'empty'],
    [{ ...ok, system: 3 }, 'system', 'string or an array'],
    [{ ...ok, system: [{ type: 'image', text: 'x' }] }, 'system[0].type', "'image'"],
    [{ ...ok, system: [{ type: 'text' }] }, 'system[0].text', 'Missing'],
    [msg('x', 'system'), 'messages[0].role', "'system'"],
    [msg(undefined), 'messages[0].content', 'Missing'],
    [msg([]), 'messages[0].content', 'at least one'],
    [{ ...ok, tools: [{ name: 'x'.repeat(65), input_schema: {} }] }, 'tools[0].name', '1 to 64'],
    [msg([{ type: 'tool_use', id: 'a', name: 'b', input: {} }]), 'messages[0].content[0].type', "'tool_use'"],
    [msg([{ type: 'tool_result', tool_use_id: 'a' }], 'assistant'), 'messages[0].content[0].type', "'tool_result'"],
    [msg([{ type: 'text', text: 1 }]), 'messages[0].content[0].text', 'a string'],
    [
      msg([{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }]),
      'messages[0].content[0].source.media_type',
      'bmp',
    ],
    [msg([{ type: 'image', source: { type: 'url' } }]), 'messages[0].content[0].source.url', 'Missing'],
    [msg([{ type: 'image', source: { type: 'file', file_id: 'f' } }]), 'messages[0].content[0].source.type', "'file'"],
    [msg([{ type: 'document', source: { type: 'url', url: 'u' } }]), 'messages[0].content[0].source.type', "'url'"],
    [msg([{ type: 'tool_use', id: 'a', name: 'b', input: [] }], 'assistant'), 'messages[0].content[0].input', 'an object'],
    [msg([{ type: 'tool_result', tool_use_id: 'a', is_error: 'yes' }]), 'messages[0].content[0].is_error', 'a boolean'],
    [
      msg([{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'tool_use' }] }]),
      'messages[0].content[0].content[0].type',
      "'tool_use'",
    ],
    [msg([{ type: 'text', text: 'x', cache_control: { type: 'persistent' } }]), 'messages[0].content[0].cache_control.type', 'persistent'],
    [{ ...ok, tools: [{ name: 'a b', input_schema: {} }] }, 'tools[0].name', 'letters'],
    [{ ...ok, tools: [{ name: 'a' }] }, 'tools[0].input_schema', 'Missing'],
    [{ ...ok, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type', 'not supported'],
    [{ ...ok, tool_choice: { type: 'required' } }, 'tool_choice.type', "'required'"],
    [{ ...ok, tool_choice: { type: 'tool' } }, 'tool_choice.name', 'Missing'],
    [{ ...ok, tool_choice: 'auto' }, 'tool_choice', 'an object'],
    [{ ...ok, stop_sequences: 'END' }, 'stop_sequences', 'an array'],
    [{ ...ok, stop_sequences: ['a', 'b', 'c', 'd', 'e'] }, 'stop_sequences', 'at most 4'],
    [{ ...ok, stop_sequences: [''] }, 'stop_sequences[0]', 'non-empty'],
    [{ ...ok, temperature: 1.5 }, 'temperature', 'from 0 to 1'],
    [{ ...ok, top_p: -0.1 }, 'top_p', 'from 0 to 1'],
    [{ ...ok, top_k: 2.5 }, 'top_k', 'integer'],
    [{ ...ok, metadata: { user_id: 5 } }, 'metadata.user_id', 'a string'],
    [{ ...ok, metadata: { plan: 'pro' } }, 'metadata.plan', 'user_id'],
    [{ ...ok, stream: 'yes' }, 'stream', 'a boolean'],
    [{ ...ok, thinking: { type: 'on' } }, 'thinking.type', "'on'"],
    [{ ...ok, thinking: { type: 'enabled' } }, 'thinking.budget_tokens', 'Missing'],
    [{ ...ok, thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens', 'from 1024'],
    [{ ...ok, thinking: { type: 'enabled', budget_tokens: 2000 } }, 'thinking.budget_tokens', "less than 'max_tokens'"],
  ])('refuses %j with a 400 naming %s', (body, param, words) => {
    const err = refusal(body);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toContain(words);
    expect(['validation_error', 'unsupported_parameter']).toContain(err.code);
  });

  it('refuses a body that is not an object as invalid_json', () => {
    expect(refusal([1]).code).toBe('invalid_json');
    expect(refusal(undefined).code).toBe('invalid_json');
  });

  it('count_tokens needs no max_tokens but checks the prompt the same way', () => {
    expect(parseCountTokensBody({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] })).toBeTruthy();
    expect(() => parseCountTokensBody({ model: 'claude', messages: [{ role: 'bot', content: 'hi' }] })).toThrow(/role/);
  });
});
