import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import { adapterFor } from '../../providers/index.js';
import type { ProviderKind } from '../../providers/types.js';
import { parseChatRequest } from './request.js';

const user = { role: 'user', content: 'hi' };
const base = { model: 'm', messages: [user] };
const target = { baseUrl: 'http://upstream.test/v1', apiKey: 'k', upstreamModel: 'up', maxOutputTokens: 1024 };

/** The 400 that `body` gets: its code and param. */
function rejection(body: unknown): { status: number; code: string; param: string | null } {
  try {
    parseChatRequest(body);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, code: err.code, param: err.param };
  }
  throw new Error(`accepted: ${JSON.stringify(body).slice(0, 200)}`);
}

function nested(levels: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = wrap(value);
  return value;
}

describe('parseChatRequest: the probe inputs of issue 10 are 400s naming the field', () => {
  it.each([
    ['tools:[{}]', { tools: [{}] }, 'tools[0].type'],
    ['tools:[null]', { tools: [null] }, 'tools[0]'],
    ['tools:[{type:function}]', { tools: [{ type: 'function' }] }, 'tools[0].function'],
    ['tools:[{type:function,function:{}}]', { tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
    ['tool name with a space', { tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'tools[0].function.name'],
    ['tool parameters array', { tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, 'tools[0].function.parameters'],
    ['tool_choice unknown', { tool_choice: 'any' }, 'tool_choice'],
    ['tool_choice without name', { tool_choice: { type: 'function', function: {} } }, 'tool_choice.function.name'],
    ['stop of numbers', { stop: [1] }, 'stop[0]'],
    ['five stops', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['fractional max_tokens', { max_tokens: 1.5 }, 'max_tokens'],
    ['zero max_completion_tokens', { max_completion_tokens: 0 }, 'max_completion_tokens'],
    ['n of 129', { n: 129 }, 'n'],
    ['temperature of 3', { temperature: 3 }, 'temperature'],
    ['stream_options as a string', { stream_options: 'yes' }, 'stream_options'],
    ['include_usage as a string', { stream_options: { include_usage: 'true' } }, 'stream_options.include_usage'],
    ['seed fractional', { seed: 0.5 }, 'seed'],
    ['user as number', { user: 42 }, 'user'],
    ['metadata number value', { metadata: { a: 1 } }, 'metadata.a'],
    ['metadata 17 keys', { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ['response_format unknown type', { response_format: { type: 'xml' } }, 'response_format.type'],
    [
      'json_schema without name',
      { response_format: { type: 'json_schema', json_schema: { schema: {} } } },
      'response_format.json_schema.name',
    ],
    ['logit_bias non-token key', { logit_bias: { abc: 1 } }, 'logit_bias'],
  ])('%s', (_name, extra, param) => {
    expect(rejection({ ...base, ...extra })).toEqual({ status: 400, code: 'validation_error', param });
  });

  it.each([
    ['content:[null]', [{ role: 'user', content: [null] }], 'messages[0].content[0]'],
    ['content part of numeric type', [{ role: 'user', content: [{ type: 7 }] }], 'messages[0].content[0].type'],
    ['content part of unknown type', [{ role: 'user', content: [{ type: 'video', video: {} }] }], 'messages[0].content[0].type'],
    ['text part without text', [{ role: 'user', content: [{ type: 'text' }] }], 'messages[0].content[0].text'],
    [
      'image part with a string image_url',
      [{ role: 'user', content: [{ type: 'image_url', image_url: 'http://x' }] }],
      'messages[0].content[0].image_url',
    ],
    [
      'image part in a system message',
      [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
      'messages[0].content[0].type',
    ],
    ['tool_calls:{}', [user, { role: 'assistant', tool_calls: {} }], 'messages[1].tool_calls'],
    ['tool_calls:[{}]', [user, { role: 'assistant', tool_calls: [{}] }], 'messages[1].tool_calls[0].id'],
    [
      'tool call without function',
      [user, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function' }] }],
      'messages[1].tool_calls[0].function',
    ],
    [
      'tool call with object arguments',
      [user, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] }],
      'messages[1].tool_calls[0].function.arguments',
    ],
    ['tool_calls on a user message', [{ ...user, tool_calls: [] }], 'messages[0].tool_calls'],
    ['tool message without tool_call_id', [user, { role: 'tool', content: 'r' }], 'messages[1].tool_call_id'],
    ['unknown role', [{ role: 'robot', content: 'x' }], 'messages[0].role'],
    ['message null', [null], 'messages[0]'],
    ['user content null', [{ role: 'user', content: null }], 'messages[0].content'],
    ['numeric content', [{ role: 'user', content: 5 }], 'messages[0].content'],
    ['name as number', [{ role: 'user', content: 'x', name: 1 }], 'messages[0].name'],
  ])('%s', (_name, messages, param) => {
    expect(rejection({ model: 'm', messages })).toEqual({ status: 400, code: 'validation_error', param });
  });

  it('5,000-level-deep metadata is refused before any walk of it can overflow', () => {
    const metadata = nested(5_000, 'x', (inner) => ({ a: inner }));
    expect(rejection({ ...base, metadata })).toMatchObject({ status: 400, param: 'metadata' });
  });

  it.each([
    ['an unknown pass-through field', (deep: unknown) => ({ ...base, vendor_extension: deep }), 'vendor_extension'],
    [
      'tool parameters',
      (deep: unknown) => ({ ...base, tools: [{ type: 'function', function: { name: 'f', parameters: { d: deep } } }] }),
      'tools',
    ],
    [
      'a json_schema',
      (deep: unknown) => ({ ...base, response_format: { type: 'json_schema', json_schema: { name: 's', schema: { d: deep } } } }),
      'response_format',
    ],
    [
      'an extra field of a content part',
      (deep: unknown) => ({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: deep }] }] }),
      'messages[0]',
    ],
    ['prediction', (deep: unknown) => ({ ...base, prediction: deep }), 'prediction'],
  ])('deep arrays in %s are a 400 on that field', (_name, build, param) => {
    const deep = nested(10_000, [], (inner) => [inner]);
    expect(rejection(build(deep))).toMatchObject({ status: 400, code: 'validation_error', param });
  });

  it('allows 64 levels of nesting in all and refuses 65', () => {
    // body (1) → vendor (2) → … : 63 levels under the body is the most.
    expect(() => parseChatRequest({ ...base, vendor: nested(63, 1, (inner) => [inner]) })).not.toThrow();
    expect(rejection({ ...base, vendor: nested(64, 1, (inner) => [inner]) }).param).toBe('vendor');
  });

  it('bounds the size of free-form fields but not of the prompt', () => {
    expect(rejection({ ...base, vendor: 'x'.repeat(5 * 1024 * 1024) }).param).toBe('vendor');
    expect(() => parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] })).not.toThrow();
  });

  it('names an unknown field by at most 64 characters', () => {
    const key = 'k'.repeat(100_000);
    expect(rejection({ ...base, [key]: nested(100, 1, (inner) => [inner]) }).param).toBe(`${'k'.repeat(64)}…`);
  });

  it('an empty or non-object body is invalid_json', () => {
    expect(rejection(undefined).code).toBe('invalid_json');
    expect(rejection([1]).code).toBe('invalid_json');
  });
});

describe('parseChatRequest: valid bodies', () => {
  const valid = {
    model: 'm',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'French.' }] },
      {
        role: 'user',
        name: 'jane',
        content: [
          { type: 'text', text: 'What is this?', cache_control: { type: 'ephemeral' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
          { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '{"ok":true}' }] },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      { role: 'function', name: 'f', content: null },
    ],
    tools: [{ type: 'function', function: { name: 'f', description: null, parameters: { type: 'object' }, strict: true } }],
    tool_choice: { type: 'function', function: { name: 'f' } },
    response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    stop: ['a', 'b', 'c', 'd'],
    n: 128,
    max_tokens: null,
    stream: true,
    stream_options: { include_usage: true },
    logprobs: true,
    top_logprobs: 20,
    seed: -5,
    user: 'u',
    metadata: { [`k${'x'.repeat(62)}`]: 'v'.repeat(512) },
    logit_bias: { '50256': -100 },
    vendor_extension: { anything: [1, 'two', null] },
  };

  it('returns the very same body, unknown fields kept', () => {
    const copy = structuredClone(valid);
    expect(parseChatRequest(copy)).toBe(copy);
    expect(copy).toEqual(valid);
  });

  it.each(['openai', 'anthropic', 'google'] as const)('%s builds it (stream and not) into valid JSON', (kind: ProviderKind) => {
    const body = parseChatRequest(structuredClone(valid));
    for (const stream of [true, false]) expect(() => JSON.parse(adapterFor(kind).buildRequest(body, target, stream).body)).not.toThrow();
  });

  it('adapters turn deep JSON inside tool arguments and tool results into plain values, not stack overflows', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const body = parseChatRequest({
      model: 'm',
      messages: [
        user,
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: `{"a":${deep}}` } }] },
        { role: 'tool', tool_call_id: 'c', content: `{"a":${deep}}` },
      ],
    });
    const anthropic = JSON.parse(adapterFor('anthropic').buildRequest(body, target, false).body);
    expect(anthropic.messages[1].content[0].input).toEqual({});
    const google = JSON.parse(adapterFor('google').buildRequest(body, target, false).body);
    expect(google.contents[1].parts[0].functionCall.args).toEqual({});
    expect(google.contents[2].parts[0].functionResponse.response).toEqual({ content: `{"a":${deep}}` });
  });
});
