/**
 * The official Anthropic SDK, unchanged, against `/v1/messages` (spec §5b): create, stream().finalMessage(),
 * tool loops and countTokens against each provider kind (native to Anthropic, translated to OpenAI and
 * Google); its error classes on 400/401/402/404/429; every call billed exactly once with a `message` log
 * row; the native call keeps cache_control and thinking and bills cache reads and writes.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { expectMoneySettled, logRowsOf } from '../../helpers/money-invariants.js';
import { dialects } from '../../helpers/suites.js';

const KINDS = ['openai', 'anthropic', 'google'] as const;
type Kind = (typeof KINDS)[number];

/** Routes added here cost $2.50 in / $10 out per Mtok: µUSD = 2.5 × prompt + 10 × output, half-up. */
const costMicros = (prompt: number, output: number) => Math.floor((prompt * 2_500_000 + output * 10_000_000 + 500_000) / 1_000_000);

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each(dialects)('Anthropic SDK through /v1/messages (%s)', (dialect) => {
  let f: InferenceFixture;
  let sdk: Anthropic;

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    sdk = new Anthropic({ apiKey: f.endUserKey, baseURL: f.gw.url, maxRetries: 0 });
    for (const kind of KINDS) {
      await f.addRoute(`msg-${kind}`, kind, 'm-plain');
      await f.addRoute(`msg-tools-${kind}`, kind, 'm-tools');
    }
  });
  afterAll(() => f?.close());

  const oneRow = async (requestId: string) => {
    const rows = await logRowsOf(f.gw.ctx, requestId);
    expect(rows).toHaveLength(1);
    return rows[0] as (typeof rows)[number];
  };
  const lastUpstream = (kind: Kind) => f.mocks[kind].requests.at(-1)?.body as Record<string, unknown>;

  it.each(KINDS)('messages.create to %s: an Anthropic message, billed once from the reported usage, logged as a message', async (kind) => {
    // top_k is an Anthropic parameter this SDK version no longer types: sent as the API documents it.
    const params = { model: `msg-${kind}`, max_tokens: 200, top_k: 5, messages: [{ role: 'user' as const, content: 'Hello there' }] };
    const { data, response } = await sdk.messages.create(params).withResponse();
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: `msg-${kind}`, stop_reason: 'end_turn', stop_sequence: null });
    expect(data.id).toMatch(/^msg_/);
    expect(data.content).toEqual([{ type: 'text', text: 'Echo: Hello there' }]);
    const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens } = data.usage;
    expect(output_tokens).toBeGreaterThan(0);
    expect([cache_read_input_tokens, cache_creation_input_tokens]).toEqual([0, 0]);
    const row = await oneRow(response.headers.get('x-request-id') as string);
    expect(row).toMatchObject({
      request_type: 'message',
      model: `msg-${kind}`,
      status: 'success',
      billing_status: 'billed',
      token_count_method: 'reported',
      prompt_tokens: input_tokens,
      completion_tokens: output_tokens,
    });
    expect(Number(row.cost_micros)).toBe(costMicros(input_tokens, output_tokens));
    expect(response.headers.get('x-assistiv-cost-usd')).toBe((costMicros(input_tokens, output_tokens) / 1e6).toFixed(6));
    // top_k reaches Anthropic as sent; the translated providers never see it, and the log says so.
    const warnings = (JSON.parse(row.metadata) as { warnings?: string[] }).warnings ?? [];
    if (kind === 'anthropic') {
      expect(lastUpstream(kind)).toMatchObject({ model: 'm-plain', top_k: 5, max_tokens: 200 });
      expect(warnings).toEqual([]);
    } else {
      expect(JSON.stringify(lastUpstream(kind))).not.toContain('top_k');
      expect(warnings).toContain('top_k was dropped: this provider has no top-k sampling parameter');
    }
  });

  it.each(KINDS)('messages.stream().finalMessage() from %s: deltas assemble into the message, usage in message_delta', async (kind) => {
    const stream = sdk.messages.stream({
      model: `msg-${kind}`,
      max_tokens: 200,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Stream me something' }],
    });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Echo: Stream me something [system: Be brief.]' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.model).toBe(`msg-${kind}`);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(events[0]).toBe('message_start');
    expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id') as string;
    const row = await oneRow(requestId);
    expect(row).toMatchObject({ request_type: 'message', stream: expect.anything(), status: 'success', billing_status: 'billed' });
    expect(Boolean(row.stream)).toBe(true);
    expect(row.completion_tokens).toBe(final.usage.output_tokens);
    expect(row.prompt_tokens).toBe(
      final.usage.input_tokens + final.usage.cache_read_input_tokens! + final.usage.cache_creation_input_tokens!,
    );
  });

  it.each(KINDS.flatMap((kind) => [[kind, false] as const, [kind, true] as const]))(
    'a tool loop through %s (streamed: %s): tool_use with parsed input, then the tool_result answered',
    async (kind, streamed) => {
      const model = `msg-tools-${kind}`;
      const ask = async (messages: Anthropic.MessageParam[]) =>
        streamed
          ? sdk.messages.stream({ model, max_tokens: 300, tools: [weatherTool], messages }).finalMessage()
          : sdk.messages.create({ model, max_tokens: 300, tools: [weatherTool], messages });
      const history: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await ask(history);
      expect(first.stop_reason).toBe('tool_use');
      const call = first.content.find((b) => b.type === 'tool_use');
      expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
      if (call?.type !== 'tool_use') throw new Error('no tool call');
      history.push({ role: 'assistant', content: first.content });
      history.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21°C' }] });
      const second = await ask(history);
      expect(second.stop_reason).toBe('end_turn');
      expect(second.content).toHaveLength(1);
      expect(second.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Sunny, 21°C') });
      // The provider received the call and its result paired by id, in its own format.
      const upstream = JSON.stringify(lastUpstream(kind));
      expect(upstream).toContain('Sunny, 21°C');
      if (kind !== 'google') expect(upstream).toContain(call.id);
    },
  );

  it('countTokens: the gateway estimate, system and tools counted, not billed and not logged', async () => {
    const before = await f.gw.ctx.store.db
      .selectFrom('request_logs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const plain = await sdk.messages.countTokens({
      model: 'msg-openai',
      messages: [{ role: 'user', content: 'Hello there, how are you?' }],
    });
    expect(plain.input_tokens).toBeGreaterThan(5);
    const withTools = await sdk.messages.countTokens({
      model: 'msg-anthropic',
      system: 'You are a weather bot.',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Hello there, how are you?' }],
    });
    expect(withTools.input_tokens).toBeGreaterThan(plain.input_tokens + 10);
    await expect(sdk.messages.countTokens({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    await f.gw.ctx.requestLogs.flush();
    const after = await f.gw.ctx.store.db
      .selectFrom('request_logs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('native passthrough keeps cache_control and thinking as sent, and bills cache reads and writes', async () => {
    await f.addRoute('msg-cache', 'anthropic', 'm-cached-cache-write-cache-write-1h', {
      cached_input_usd_per_mtok: 0.25,
      cache_write_usd_per_mtok: 3.125,
      cache_write_1h_usd_per_mtok: 5,
    });
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: 'A long, cached system prompt.', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ];
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const beta = { 'anthropic-beta': 'interleaved-thinking-2025-05-14,extended-cache-ttl-2025-04-11' };
    for (const streamed of [false, true]) {
      const params = {
        model: 'msg-cache',
        max_tokens: 2048,
        system,
        thinking,
        messages: [
          { role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi', cache_control: { type: 'ephemeral' as const } }] },
        ],
      };
      const { data: message, response } = streamed
        ? await (async () => {
            const s = sdk.messages.stream(params, { headers: beta });
            const data = await s.finalMessage();
            return { data, response: (await s.withResponse()).response };
          })()
        : await sdk.messages.create(params, { headers: beta }).withResponse();
      const received = lastUpstream('anthropic');
      expect(f.mocks.anthropic.requests.at(-1)?.headers['anthropic-beta']).toBe(beta['anthropic-beta']);
      expect(received).toMatchObject({ model: 'm-cached-cache-write-cache-write-1h', system, thinking, messages: params.messages });
      expect(received.stream === true).toBe(streamed);
      const u = message.usage;
      expect(u.cache_read_input_tokens).toBeGreaterThan(0);
      expect(u.cache_creation_input_tokens).toBeGreaterThan(0);
      const row = await oneRow(response.headers.get('x-request-id') as string);
      const prompt = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
      expect(row).toMatchObject({
        request_type: 'message',
        prompt_tokens: prompt,
        cached_tokens: u.cache_read_input_tokens,
        cache_write_tokens: u.cache_creation_input_tokens,
        completion_tokens: u.output_tokens,
        token_count_method: 'reported',
      });
      // Cache reads and writes are priced apart, so the bill is below the all-input price of the prompt.
      const writes = u.cache_creation as { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
      const expected = Math.floor(
        (u.input_tokens * 2_500_000 +
          (u.cache_read_input_tokens ?? 0) * 250_000 +
          writes.ephemeral_5m_input_tokens * 3_125_000 +
          writes.ephemeral_1h_input_tokens * 5_000_000 +
          u.output_tokens * 10_000_000 +
          500_000) /
          1_000_000,
      );
      expect(Number(row.cost_micros)).toBe(expected);
    }
  });

  it('errors arrive as the SDK error classes, with our §1 code in Anthropic shape', async () => {
    const bad = new Anthropic({ apiKey: 'sk-not-a-key', baseURL: f.gw.url, maxRetries: 0 });
    const auth = await bad.messages
      .create({ model: 'msg-openai', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(auth).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(auth.status).toBe(401);
    expect(auth.error).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'invalid_api_key' } });

    // Bearer auth works as well as x-api-key (ANTHROPIC_AUTH_TOKEN).
    const bearer = new Anthropic({ authToken: f.endUserKey, apiKey: null, baseURL: f.gw.url, maxRetries: 0 });
    const ok = await bearer.messages.create({ model: 'msg-openai', max_tokens: 10, messages: [{ role: 'user', content: 'Bearer' }] });
    expect(ok.content).toEqual([{ type: 'text', text: 'Echo: Bearer' }]);

    const invalid = await sdk.messages
      .create({ model: 'msg-openai', max_tokens: 10, messages: [{ role: 'system' as 'user', content: 'x' }] })
      .catch((e) => e);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect(invalid.error).toMatchObject({ error: { type: 'invalid_request_error', code: 'validation_error', param: 'messages[0].role' } });

    const missing = await sdk.messages
      .create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing.error).toMatchObject({ error: { type: 'not_found_error', code: 'model_not_found' } });

    const badBeta = await sdk.messages
      .create(
        { model: 'msg-anthropic', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'anthropic-beta': 'a;b' } },
      )
      .catch((e) => e);
    expect(badBeta).toBeInstanceOf(Anthropic.BadRequestError);
    expect(badBeta.error).toMatchObject({ error: { code: 'validation_error', param: 'anthropic-beta' } });

    const malformed = await fetch(`${f.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': f.endUserKey, 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_json' } });

    const platform = client(f.gw.url, f.platformKey);
    const poor = await f.newEndUser('poor-user');
    await platform.post(`/v1/platforms/${f.platformId}/end-users/${poor.id}/budget`, { max_usd: 0.000001 });
    const poorSdk = new Anthropic({ apiKey: poor.key, baseURL: f.gw.url, maxRetries: 0 });
    const broke = await poorSdk.messages
      .create({ model: 'msg-openai', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(broke).toBeInstanceOf(Anthropic.APIError);
    expect(broke.status).toBe(402);
    expect(broke.error).toMatchObject({ type: 'error', error: { type: 'billing_error', code: 'budget_exhausted' } });

    const limited = await f.newEndUser('limited-user');
    await platform.put(`/v1/platforms/${f.platformId}/end-users/${limited.id}/rate-limits`, { rpm_limit: 1 });
    const limitedSdk = new Anthropic({ apiKey: limited.key, baseURL: f.gw.url, maxRetries: 0 });
    await limitedSdk.messages.create({ model: 'msg-openai', max_tokens: 10, messages: [{ role: 'user', content: 'one' }] });
    const slow = await limitedSdk.messages
      .create({ model: 'msg-openai', max_tokens: 10, messages: [{ role: 'user', content: 'two' }] })
      .catch((e) => e);
    expect(slow).toBeInstanceOf(Anthropic.RateLimitError);
    expect(slow.error).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    expect(Number(slow.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.each(KINDS)('images (base64 and URL) reach %s', async (kind) => {
    const message = await sdk.messages.create({
      model: `msg-${kind}`,
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://img.test/cat.png' } },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: What is this? [images: 2]' }]);
  });

  it.each(KINDS)(
    'a failure mid-stream from %s ends the stream with an error event the SDK raises; what was delivered is billed',
    async (kind) => {
      await f.addRoute(`msg-stream-error-${kind}`, kind, 'm-stream-error');
      const stream = sdk.messages.stream({
        model: `msg-stream-error-${kind}`,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const failure = await stream.finalMessage().catch((e) => e);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect(String(failure.message)).toMatch(/upstream|provider/i);
      const row = await oneRow((await stream.withResponse()).response.headers.get('x-request-id') as string);
      expect(row).toMatchObject({ request_type: 'message', status: 'error', billing_status: 'billed' });
      expect(row.completion_tokens).toBeGreaterThan(0);
    },
  );

  it('leaves every call settled: nothing held, wallet = credits − logged costs, ledger clean', async () => {
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });
});
