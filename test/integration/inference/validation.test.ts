/**
 * Issue 10, probe findings 2, 4 and 9: bodies a provider adapter once threw on (after the money was
 * reserved) are 400s naming the field, before admission: no reservation, no provider call, no log row
 * (spec §3 "Log rows": 400s get none; §5c: a body the gateway cannot translate is a 400 before admission).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

const user = { role: 'user', content: 'Hello there' };

/** JSON text nested `levels` deep, built as text: the client's own JSON.stringify would overflow. */
function deepText(levels: number, open: string, close: string, leaf: string): string {
  return `${open.repeat(levels)}${leaf}${close.repeat(levels)}`;
}

/**
 * [name, extra fields as JSON text (spliced into the body), param the 400 must name]. Over HTTP the JSON
 * parser refuses bodies nested more than 64 levels as a whole (`param: "body"`) before parseChatRequest
 * would name the field; either is a 400 before admission.
 */
const PROBES: ReadonlyArray<readonly [string, string, string]> = [
  ['tools:[{}]', '"tools":[{}]', 'tools[0].type'],
  ['tools:[null]', '"tools":[null]', 'tools[0]'],
  ['tools:[{type:function}]', '"tools":[{"type":"function"}]', 'tools[0].function'],
  ['tool_calls:{}', `"messages":[${JSON.stringify(user)},{"role":"assistant","tool_calls":{}}]`, 'messages[1].tool_calls'],
  ['tool_calls:[{}]', `"messages":[${JSON.stringify(user)},{"role":"assistant","tool_calls":[{}]}]`, 'messages[1].tool_calls[0].id'],
  ['content:[null]', '"messages":[{"role":"user","content":[null]}]', 'messages[0].content[0]'],
  ['content part of numeric type', '"messages":[{"role":"user","content":[{"type":7}]}]', 'messages[0].content[0].type'],
  ['tool result without tool_call_id', `"messages":[${JSON.stringify(user)},{"role":"tool","content":"x"}]`, 'messages[1].tool_call_id'],
  ['5,000-level-deep metadata', `"metadata":${deepText(5_000, '{"a":', '}', '"x"')}`, 'metadata'],
  ['deep arrays in a pass-through field', `"vendor_extension":${deepText(5_000, '[', ']', '1')}`, 'vendor_extension'],
  [
    'deep arrays in tool parameters',
    `"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","x":${deepText(5_000, '[', ']', '1')}}}}]`,
    'tools',
  ],
  ['fractional max_tokens', '"max_tokens":10.5', 'max_tokens'],
  ['stream_options as a string', '"stream_options":"yes"', 'stream_options'],
];

describe.each(dialects)('chat completions: untranslatable bodies are 400s before admission (%s)', (dialect) => {
  let f: InferenceFixture;
  const api = () => client(f.gw.url, f.platformKey);
  const wallet = async () => (await api().get(`/v1/platforms/${f.platformId}/wallet`)).body.data;
  const budget = async () => (await api().get(`/v1/platforms/${f.platformId}/end-users/${f.endUserId}/budget`)).body.data;
  const logTotal = async () => (await api().get(`/v1/platforms/${f.platformId}/logs?limit=1`)).body.total as number;
  const upstreamCalls = () => f.mocks.openai.requests.length + f.mocks.anthropic.requests.length + f.mocks.google.requests.length;

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    await f.addRoute('v-anthropic', 'anthropic', 'claude-ok');
    await f.addRoute('v-google', 'google', 'gemini-ok');
    await f.addRoute('v-openai', 'openai', 'gpt-ok');
    expect((await api().post(`/v1/platforms/${f.platformId}/end-users/${f.endUserId}/budget`, { max_usd: 5 })).status).toBe(201);
  });
  afterAll(() => f?.close());

  it('answers each probe with a 400 naming the field, holding nothing and logging nothing', async () => {
    const walletBefore = await wallet();
    const budgetBefore = await budget();
    const logsBefore = await logTotal();
    const callsBefore = upstreamCalls();
    for (const model of ['v-anthropic', 'v-google', 'v-openai']) {
      for (const stream of [false, true]) {
        for (const [name, extra, param] of PROBES) {
          const body = `{"model":"${model}","stream":${stream},"messages":[${JSON.stringify(user)}],${extra}}`;
          const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', body);
          const got = res.body?.error?.param;
          const expected = name.includes('deep') && got === 'body' ? 'body' : param;
          expect({ name, model, stream, param: got }).toEqual({ name, model, stream, param: expected });
          expectApiError(res, 400, 'validation_error', expected);
        }
      }
    }
    expect(await wallet()).toMatchObject({ balance: walletBefore.balance, reserved: 0, available: walletBefore.balance });
    expect(await budget()).toMatchObject({ used_usd: budgetBefore.used_usd, reserved_usd: 0 });
    expect(await logTotal()).toBe(logsBefore);
    expect(upstreamCalls()).toBe(callsBefore);
  });

  it('still admits, bills and logs the same request once it is well formed (the counters above can move)', async () => {
    const logsBefore = await logTotal();
    for (const model of ['v-anthropic', 'v-google', 'v-openai']) {
      const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
        model,
        messages: [
          user,
          { role: 'assistant', content: null, tool_calls: [] },
          { role: 'user', content: [{ type: 'text', text: 'again' }] },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } } }],
        metadata: { trace: 'abc' },
        vendor_extension: { nested: [[[1]]] },
      });
      expect(res.status).toBe(200);
    }
    expect(await logTotal()).toBe(logsBefore + 3);
    expect((await wallet()).reserved).toBe(0);
  });
});
