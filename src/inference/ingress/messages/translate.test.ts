import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../chat/request.js';
import { countMessageTokens } from './count-tokens.js';
import { betaHeader, messagesIngress, messagesIngressFor } from './index.js';
import { parseMessagesBody } from './request.js';
import { toChatRequest } from './translate.js';

const translate = (body: Record<string, unknown>) => toChatRequest(parseMessagesBody({ model: 'claude', max_tokens: 256, ...body }));

describe('Messages → internal request', () => {
  it('turns a tool loop into assistant tool_calls and tool turns placed right after them', () => {
    const { chat, warnings } = translate({
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'here you go' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'boom' }], is_error: true },
          ],
        },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.2,
      metadata: { user_id: 'u-7' },
    });
    expect(chat).toEqual({
      model: 'claude',
      max_tokens: 256,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        {
          role: 'tool',
          tool_call_id: 'toolu_2',
          content: [
            { type: 'text', text: 'Error: ' },
            { type: 'text', text: 'boom' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'here you go' }] },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      stop: ['END'],
      temperature: 0.2,
      user: 'u-7',
    });
    expect(warnings).toEqual([]);
    // What the translation produces is a body the chat edge itself accepts.
    expect(() => parseChatRequest(chat)).not.toThrow();
  });

  it('maps images to image_url parts with data URLs, and tool choices one to one', () => {
    const { chat } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://img.test/cat.jpg' } },
          ],
        },
      ],
    });
    expect(chat.messages[0]?.content).toEqual([
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'image_url', image_url: { url: 'https://img.test/cat.jpg' } },
    ]);
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (tool_choice: unknown) => translate({ messages: [{ role: 'user', content: 'x' }], tools, tool_choice }).chat;
    expect(choice({ type: 'auto' }).tool_choice).toBe('auto');
    expect(choice({ type: 'none' }).tool_choice).toBe('none');
    expect(choice({ type: 'tool', name: 'f' }).tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
    expect(choice({ type: 'auto' }).parallel_tool_calls).toBeUndefined();
  });

  it('lists what Chat Completions cannot carry as warnings, once each, and keeps the native body intact', () => {
    const raw = {
      model: 'claude',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 's' },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'user', content: 'c' },
      ],
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      service_tier: 'auto',
    };
    const parsed = messagesIngress.parse(structuredClone(raw), { platformId: 'p', endUserId: null }) as ReturnType<typeof toChatRequest> & {
      native: { body: unknown };
    };
    expect(parsed.warnings).toEqual([
      'cache_control markers were dropped: this provider has no prompt-cache markers',
      'thinking blocks in earlier assistant turns were dropped: this provider cannot read them',
      'top_k was dropped: this provider has no top-k sampling parameter',
      'thinking was dropped: extended thinking is only available from Anthropic-kind providers',
      '"service_tier" is not supported by this provider and was ignored',
    ]);
    expect(parsed.native.body).toEqual(raw);
    expect(JSON.stringify(parsed.chat)).not.toContain('cache_control');
    expect(parsed.chat.messages[2]).toEqual({ role: 'assistant', content: 'b' });
  });

  it('counts tokens with the gateway tokenizer, system and tools included', () => {
    const base = { model: 'claude', messages: [{ role: 'user', content: 'Hello there, how are you?' }] };
    const plain = countMessageTokens(base).input_tokens;
    expect(plain).toBeGreaterThan(5);
    expect(countMessageTokens({ ...base, system: 'You are a pirate.' }).input_tokens).toBeGreaterThan(plain);
    const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    expect(countMessageTokens({ ...base, tools }).input_tokens).toBeGreaterThan(plain);
    expect(() => countMessageTokens({ ...base, messages: 'x' })).toThrow(/messages/);
  });

  it('carries a well-formed anthropic-beta header with the native call, and refuses a malformed one', async () => {
    const caller = { platformId: 'p', endUserId: null };
    const body = { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
    expect(messagesIngressFor({})).toBe(messagesIngress);
    const request = await messagesIngressFor({ 'anthropic-beta': 'a-1, b.2' }).parse(body, caller);
    expect(request.native?.headers).toEqual({ 'anthropic-beta': 'a-1, b.2' });
    expect(betaHeader(['a', 'b'])).toBe('a,b');
    for (const bad of ['a;b', '', 'x'.repeat(2000), 'a\r\nx-evil: 1']) expect(() => betaHeader(bad)).toThrow(/anthropic-beta/);
  });
});
