import { describe, expect, it } from 'vitest';
import type { ChatRequest, UpstreamTarget } from '../types.js';
import { buildAnthropicRequest } from './request.js';

const target: UpstreamTarget = {
  baseUrl: 'https://api.anthropic.com/v1',
  apiKey: 'sk-ant-test',
  upstreamModel: 'claude-sonnet-4-20250514',
  maxOutputTokens: 8192,
};

function sent(body: Partial<ChatRequest>, stream = false): Record<string, unknown> {
  return JSON.parse(buildAnthropicRequest({ model: 'claude', messages: [], ...body }, target, stream).body);
}

describe('anthropic request', () => {
  it('posts to /messages with x-api-key and anthropic-version', () => {
    const req = buildAnthropicRequest({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] }, target, false);
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' });
    expect(req.headers).not.toHaveProperty('authorization');
    expect(JSON.parse(req.body)).toEqual({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 8192,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('extracts system and developer messages into system', () => {
    const body = sent({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use French.' },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('maps image parts: data URLs to base64 sources, http URLs to url sources', () => {
    const body = sent({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('maps tool calls to tool_use and merges consecutive tool results into one user turn', () => {
    const body = sent({
      messages: [
        { role: 'user', content: 'Weather and time in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
        { role: 'user', content: 'Thanks' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('maps tools and every tool_choice form', () => {
    const tools: ChatRequest['tools'] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
      { type: 'function', function: { name: 'ping' } },
    ];
    expect(sent({ tools }).tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(sent({ tools, tool_choice: 'auto' }).tool_choice).toEqual({ type: 'auto' });
    expect(sent({ tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(sent({ tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(sent({ tools, tool_choice: { type: 'function', function: { name: 'ping' } } }).tool_choice).toEqual({
      type: 'tool',
      name: 'ping',
    });
    expect(sent({ tools, parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(sent({ tools })).not.toHaveProperty('tool_choice');
  });

  it('maps max tokens, sampling, stop and user, preferring max_completion_tokens', () => {
    const body = sent({ max_tokens: 100, max_completion_tokens: 50, temperature: 0.2, top_p: 0.9, stop: 'END', user: 'eu_42' }, true);
    expect(body).toMatchObject({
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'eu_42' },
      stream: true,
    });
    expect(sent({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(sent({ stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
  });

  it('warns about fields it cannot send instead of dropping them silently', () => {
    const req = buildAnthropicRequest(
      {
        model: 'c',
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }],
        seed: 1,
        logit_bias: { 1: 2 },
        vendor_x: 1,
      },
      target,
      false,
    );
    expect(req.warnings).toEqual([
      '"seed" is not supported by this provider and was ignored',
      '"logit_bias" is not supported by this provider and was ignored',
      'unknown field "vendor_x" is not sent to this provider',
      'content part "input_audio" is not supported by this provider and was ignored',
    ]);
    expect(JSON.parse(req.body)).not.toHaveProperty('seed');
  });
});
