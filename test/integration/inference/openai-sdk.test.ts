/** The official OpenAI SDK, unchanged, against the gateway: quick start step 5 and the SDK's own helpers. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('OpenAI SDK through the gateway (%s)', (dialect) => {
  let f: InferenceFixture;
  let sdk: OpenAI;

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    sdk = new OpenAI({ apiKey: f.endUserKey, baseURL: `${f.gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => f?.close());

  const logsFor = async (requestId: string) => {
    const res = await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/logs?limit=100`);
    return res.body.data.filter((l: { request_id: string }) => l.request_id === requestId);
  };

  it('quick start step 5: a completion is answered in OpenAI shape, logged and debited exactly', async () => {
    const before = (await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/wallet`)).body.data.balance;
    const { data, response } = await sdk.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello, world!' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.role).toBe('assistant');
    expect(data.choices[0].message.content).toContain('Hello, world!');
    expect(data.choices[0].finish_reason).toBe('stop');
    const usage = data.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    // gpt-4o: $2.50 in, $10 out per million tokens → µUSD = 2.5 × prompt + 10 × completion, half-up.
    const expectedMicros = Math.floor((usage.prompt_tokens * 2_500_000 + usage.completion_tokens * 10_000_000 + 500_000) / 1_000_000);
    expect(response.headers.get('x-assistiv-cost-usd')).toBe((expectedMicros / 1e6).toFixed(6));
    const requestId = response.headers.get('x-request-id')!;
    const [log] = await logsFor(requestId);
    expect(log).toMatchObject({
      status: 'success',
      model: 'gpt-4o',
      provider_model_id: 'gpt-4o',
      stream: false,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      token_count_method: 'reported',
      billing_status: 'billed',
      estimated_cost_usd: (expectedMicros / 1e6).toFixed(6),
      fallback_from: null,
      end_user_id: f.endUserId,
    });
    const after = (await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/wallet`)).body.data;
    expect(Math.round((before - after.balance) * 1e6)).toBe(expectedMicros);
    expect(after.reserved).toBe(0);
  });

  it('streams chunks with role first, one finish_reason and the usage chunk when asked', async () => {
    const stream = await sdk.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Stream me something' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toContain('Stream me something');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0].finish_reason)).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('does not forward the usage chunk when the client did not ask, but still bills reported usage', async () => {
    const stream = await sdk.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'no usage please' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    const upstream = f.mocks.openai.requests.at(-1)!;
    expect((upstream.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it.each(['gpt-4o', 'claude-sonnet-4', 'gemini-2.5-flash'])(
    'the stream() helper assembles a valid final completion from %s',
    async (model) => {
      const runner = sdk.chat.completions.stream({
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi there' },
        ],
      });
      const final = await runner.finalChatCompletion();
      expect(final.choices[0].message.content).toContain('Hi there');
      expect(final.choices[0].finish_reason).toBe('stop');
    },
  );

  it.each([
    ['openai', 'tools-openai'],
    ['anthropic', 'tools-anthropic'],
    ['google', 'tools-google'],
  ] as const)('tool calls from %s come back plain and streamed', async (provider, slug) => {
    await f.addRoute(slug, provider, `m-tools-${provider}`);
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const plain = await sdk.chat.completions.create({ model: slug, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
    expect(plain.choices[0].finish_reason).toBe('tool_calls');
    const call = plain.choices[0].message.tool_calls![0] as { id: string; function: { name: string; arguments: string } };
    expect(call.function.name).toBe('get_weather');
    expect(() => JSON.parse(call.function.arguments)).not.toThrow();

    const runner = sdk.chat.completions.stream({ model: slug, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0].message.tool_calls![0] as { id: string; function: { name: string; arguments: string } };
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(streamed.function.name).toBe('get_weather');
    expect(JSON.parse(streamed.function.arguments)).toEqual(JSON.parse(call.function.arguments));
    expect(streamed.id).toBeTruthy();

    // the tool result goes back and the model answers in text
    const answer = await sdk.chat.completions.create({
      model: slug,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: call.function }] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp_c": 21}' },
      ],
      tools,
    });
    expect(answer.choices[0].finish_reason).toBe('stop');
    expect(answer.choices[0].message.content).toBeTruthy();
  });

  it('lists only the models the platform can route', async () => {
    const models = [];
    for await (const m of sdk.models.list()) models.push(m);
    const ids = models.map((m) => m.id);
    expect(ids).toContain('gpt-4o');
    expect(ids).toContain('claude-sonnet-4');
    expect(ids).not.toContain('grok-3'); // no xAI key on this platform
    expect(models.find((m) => m.id === 'claude-sonnet-4')?.owned_by).toBe('anthropic');
    const one = await sdk.models.retrieve('gemini-2.5-flash');
    expect(one).toMatchObject({ id: 'gemini-2.5-flash', object: 'model', owned_by: 'google' });
    await expect(sdk.models.retrieve('grok-3')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('raises the SDK error classes with our codes', async () => {
    const err404 = await sdk.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(err404).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err404.code).toBe('model_not_found');
    const bad = new OpenAI({ apiKey: 'sk-eu_nope', baseURL: `${f.gw.url}/v1`, maxRetries: 0 });
    const err401 = await bad.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err401).toBeInstanceOf(OpenAI.AuthenticationError);
    const err400 = await sdk.chat.completions.create({ model: 'gpt-4o', messages: [] }).catch((e) => e);
    expect(err400).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err400.param).toBe('messages');
  });
});
