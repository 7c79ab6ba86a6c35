/**
 * The official openai SDK, unchanged, against `/v1/responses` (spec §5a): responses.create, responses.stream
 * (typed events and finalResponse), function-tool loops (stateless and through previous_response_id),
 * previous_response_id continuing a conversation, store:false, GET and DELETE, all scoped per platform and end
 * user; against each provider kind translated, and natively to an OpenAI-kind provider with supports_responses.
 * Every call is billed exactly once with a `response` log row; a client leaving mid-stream is billed for what
 * was generated and leaves nothing held.
 */
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { expectMoneySettled, logRowsOf } from '../../helpers/money-invariants.js';
import { dialects } from '../../helpers/suites.js';

/** The three kinds translated, and `native`: an OpenAI-kind provider with supports_responses, sent /responses. */
const TARGETS = ['openai', 'anthropic', 'google', 'native'] as const;
type Target = (typeof TARGETS)[number];

/** Routes added here cost $2.50 in / $10 out per Mtok: µUSD = 2.5 × prompt + 10 × output, half-up. */
const costMicros = (prompt: number, output: number) => Math.floor((prompt * 2_500_000 + output * 10_000_000 + 500_000) / 1_000_000);

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe.each(dialects)('openai SDK through /v1/responses (%s)', (dialect) => {
  let f: InferenceFixture;
  let sdk: OpenAI;
  const sdkFor = (key: string) => new OpenAI({ apiKey: key, baseURL: `${f.gw.url}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    sdk = sdkFor(f.endUserKey);
    const admin = client(f.gw.url, f.gw.adminKey);
    // The same mock server, as a provider that serves the Responses API: requests go to /v1/responses.
    const created = await admin.post('/v1/admin/providers', {
      slug: 'openai-responses',
      name: 'OpenAI (Responses)',
      kind: 'openai',
      base_url: f.mocks.openai.url,
      supports_responses: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.data.supports_responses).toBe(true);
    const providerId = created.body.data.id as string;
    const config = await client(f.gw.url, f.platformKey).post(`/v1/platforms/${f.platformId}/llm-configs`, {
      provider_id: providerId,
      api_key: 'test-key-native',
    });
    expect(config.status).toBe(201);
    for (const kind of ['openai', 'anthropic', 'google'] as const) {
      await f.addRoute(`resp-${kind}`, kind, 'm-plain');
      await f.addRoute(`resp-tools-${kind}`, kind, 'm-tools');
    }
    const native = async (slug: string, upstream: string) => {
      const res = await admin.post('/v1/admin/models', {
        slug,
        provider_id: providerId,
        provider_model_id: upstream,
        input_usd_per_mtok: 2.5,
        output_usd_per_mtok: 10,
        max_output_tokens: 4096,
      });
      expect(res.status).toBe(201);
    };
    await native('resp-native', 'm-plain');
    await native('resp-tools-native', 'm-tools');
  });
  afterAll(() => f?.close());

  const addNativeRoute = async (slug: string, upstream: string) => {
    const admin = client(f.gw.url, f.gw.adminKey);
    const providers = (await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
    const res = await admin.post('/v1/admin/models', {
      slug,
      provider_id: providers.find((p) => p.slug === 'openai-responses')!.id,
      provider_model_id: upstream,
      input_usd_per_mtok: 2.5,
      output_usd_per_mtok: 10,
      max_output_tokens: 4096,
    });
    expect(res.status).toBe(201);
  };
  const mockOf = (target: Target) => f.mocks[target === 'native' ? 'openai' : target];
  const lastUpstream = (target: Target) => mockOf(target).requests.at(-1) as { path: string; body: Record<string, unknown> };
  const oneRow = async (requestId: string) => {
    const rows = await logRowsOf(f.gw.ctx, requestId);
    expect(rows).toHaveLength(1);
    return rows[0] as (typeof rows)[number];
  };
  const expectUpstreamApi = (target: Target) => {
    const upstream = lastUpstream(target);
    if (target === 'native') {
      expect(upstream.path).toBe('/v1/responses');
      expect(upstream.body.store).toBe(false);
      expect(upstream.body.previous_response_id).toBeUndefined();
    } else expect(upstream.path).not.toBe('/v1/responses');
  };

  it.each(TARGETS)('responses.create to %s: a response object with our id, billed once from the reported usage', async (target) => {
    const { data, response } = await sdk.responses
      .create({ model: `resp-${target}`, input: 'Hello there', instructions: 'Be brief.', metadata: { run: 'a' } })
      .withResponse();
    const requestId = response.headers.get('x-request-id') as string;
    expect(data.id).toBe(`resp_${requestId.replaceAll('-', '')}`);
    expect(data).toMatchObject({
      object: 'response',
      status: 'completed',
      model: `resp-${target}`,
      metadata: target === 'native' ? {} : { run: 'a' },
    });
    expect(data.output_text).toBe('Echo: Hello there [system: Be brief.]');
    expect(data.output).toHaveLength(1);
    expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(data.output[0].id).toMatch(/^msg_/);
    const usage = data.usage!;
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expectUpstreamApi(target);
    const row = await oneRow(requestId);
    expect(row).toMatchObject({
      request_type: 'response',
      model: `resp-${target}`,
      status: 'success',
      billing_status: 'billed',
      token_count_method: 'reported',
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
    });
    expect(Number(row.cost_micros)).toBe(costMicros(usage.input_tokens, usage.output_tokens));
    expect(response.headers.get('x-assistiv-cost-usd')).toBe((Number(row.cost_micros) / 1e6).toFixed(6));
  });

  it.each(TARGETS)('responses.stream from %s: typed events numbered from 0, finalResponse assembled, usage billed', async (target) => {
    const stream = sdk.responses.stream({ model: `resp-${target}`, input: 'Stream me something' });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (event) => events.push(event));
    const final = await stream.finalResponse();
    // Stored before the stream ended: a client continuing at once finds it.
    const storedAtEnd = await f.gw.ctx.store.db.selectFrom('responses').select('id').where('id', '=', final.id).execute();
    expect(storedAtEnd).toEqual([{ id: final.id }]);
    expect(final.output_text).toBe('Echo: Stream me something');
    expect(final.status).toBe('completed');
    const types = events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    for (const type of [
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.output_item.done',
    ]) {
      expect(types).toContain(type);
    }
    const numbers = events.map((e) => e.sequence_number);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(numbers[0]).toBe(0);
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(deltas).toBe(final.output_text);
    const requestId = requestIdOf(final.id);
    expect(final.model).toBe(`resp-${target}`);
    expectUpstreamApi(target);
    const row = await oneRow(requestId);
    expect(row).toMatchObject({ request_type: 'response', status: 'success', billing_status: 'billed', token_count_method: 'reported' });
    expect(Boolean(row.stream)).toBe(true);
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([final.usage!.input_tokens, final.usage!.output_tokens]);
    // The stored response is what the stream's client assembled.
    const stored = await sdk.responses.retrieve(final.id);
    expect(final.output).toMatchObject(stored.output as never); // finalResponse adds `parsed: null` to parts
  });

  it.each(TARGETS.flatMap((target) => [[target, false] as const, [target, true] as const]))(
    'a function-tool loop through %s (streamed: %s): the call, then its output answered, stateless and by previous_response_id',
    async (target, streamed) => {
      const model = `resp-tools-${target}`;
      const ask = (params: { input: string | ResponseInputItem[]; previous_response_id?: string }) =>
        streamed
          ? sdk.responses.stream({ model, tools: [weatherTool], ...params }).finalResponse()
          : sdk.responses.create({ model, tools: [weatherTool], ...params });
      const input: ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await ask({ input });
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      if (call?.type !== 'function_call') throw new Error('no function call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
      expect(call.id).toMatch(/^fc_/);
      const result: ResponseInputItem = { type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21°C' };

      // Stateless: the client sends the call back with its output.
      const stateless = await ask({ input: [...input, ...first.output.map(asInput), result] });
      expect(stateless.output_text).toContain('Sunny, 21°C');
      let upstream = JSON.stringify(lastUpstream(target).body);
      expect(upstream).toContain('Sunny, 21°C');
      if (target !== 'google') expect(upstream).toContain(call.call_id);

      // Stateful: only the output, the call comes from the stored response.
      const stateful = await ask({ input: [result], previous_response_id: first.id });
      expect(stateful.output_text).toContain('Sunny, 21°C');
      upstream = JSON.stringify(lastUpstream(target).body);
      expect(upstream).toContain('Weather in Paris?');
      expect(upstream).toContain('get_weather');
      if (target !== 'google') expect(upstream).toContain(call.call_id);
      expectUpstreamApi(target);
    },
  );

  it.each(TARGETS)('previous_response_id to %s: the provider receives the earlier turns, input and output', async (target) => {
    const first = await sdk.responses.create({ model: `resp-${target}`, input: 'My name is Ada.' });
    const second = await sdk.responses.create({ model: `resp-${target}`, input: 'What is my name?', previous_response_id: first.id });
    expect(second.output_text).toBe('Echo: What is my name?');
    expect(second.previous_response_id).toBe(first.id);
    const upstream = JSON.stringify(lastUpstream(target).body);
    expect(upstream).toContain('My name is Ada.');
    expect(upstream).toContain('Echo: My name is Ada.');
    expect(upstream.indexOf('My name is Ada.')).toBeLessThan(upstream.indexOf('What is my name?'));
    // A third turn carries both earlier ones.
    await sdk.responses.create({ model: `resp-${target}`, input: 'And again?', previous_response_id: second.id });
    const third = JSON.stringify(lastUpstream(target).body);
    for (const text of ['My name is Ada.', 'Echo: My name is Ada.', 'What is my name?', 'Echo: What is my name?', 'And again?']) {
      expect(third).toContain(text);
    }
    expectUpstreamApi(target);
  });

  it('store:false is not stored: GET and previous_response_id answer 404', async () => {
    const unstored = await sdk.responses.create({ model: 'resp-openai', input: 'Forget me', store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    await expect(sdk.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const refused = await sdk.responses.create({ model: 'resp-openai', input: 'x', previous_response_id: unstored.id }).catch((e) => e);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    expect(refused.error).toMatchObject({ code: 'not_found', param: 'previous_response_id' });
    const stored = await f.gw.ctx.store.db.selectFrom('responses').select('id').where('id', '=', unstored.id).execute();
    expect(stored).toEqual([]);
  });

  it('GET returns the stored response; DELETE removes it, then both answer 404', async () => {
    const created = await sdk.responses.create({ model: 'resp-anthropic', input: 'Keep me' });
    const got = await sdk.responses.retrieve(created.id);
    expect(got).toMatchObject({ id: created.id, status: 'completed', output_text: 'Echo: Keep me', store: true });
    expect(got.output).toEqual(created.output);
    expect(got.usage).toEqual(created.usage);
    const deleted = await fetch(`${f.gw.url}/v1/responses/${created.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${f.endUserKey}` },
    });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    await expect(sdk.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(sdk.responses.delete(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("another platform's or another end user's response id is 404 on GET, DELETE and as previous_response_id", async () => {
    const mine = await sdk.responses.create({ model: 'resp-google', input: 'Private' });
    const sibling = await f.newEndUser('sibling');
    const other = await createPlatform(f.gw.url, f.gw.adminKey, 'Other Co');
    const otherUser = await client(f.gw.url, other.platformKey).post(`/v1/platforms/${other.platformId}/end-users`, { external_id: 'x' });
    const strangers = [sdkFor(sibling.key), sdkFor(f.platformKey), sdkFor(other.platformKey), sdkFor(otherUser.body.data.api_key.raw_key)];
    for (const stranger of strangers) {
      await expect(stranger.responses.retrieve(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(stranger.responses.delete(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      const refused = await stranger.responses.create({ model: 'resp-google', input: 'x', previous_response_id: mine.id }).catch((e) => e);
      expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    }
    // Still there for its owner; a platform key's own responses are its own too.
    expect((await sdk.responses.retrieve(mine.id)).output_text).toBe('Echo: Private');
    const platformSdk = sdkFor(f.platformKey);
    const platformOwn = await platformSdk.responses.create({ model: 'resp-openai', input: 'Server side' });
    expect((await platformSdk.responses.retrieve(platformOwn.id)).id).toBe(platformOwn.id);
    await expect(sdk.responses.retrieve(platformOwn.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('reports cached and reasoning tokens in usage, and bills them as such (translated and native)', async () => {
    await f.addRoute('resp-cached', 'openai', 'm-cached-reasoning', { cached_input_usd_per_mtok: 0.25 });
    for (const streamed of [false, true]) {
      const params = { model: 'resp-cached', input: 'A prompt long enough to be cached in part.' };
      const data = streamed ? await sdk.responses.stream(params).finalResponse() : await sdk.responses.create(params);
      const usage = data.usage!;
      expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
      expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
      const row = await oneRow(requestIdOf(data.id));
      expect(row).toMatchObject({
        cached_tokens: usage.input_tokens_details.cached_tokens,
        reasoning_tokens: usage.output_tokens_details.reasoning_tokens,
      });
    }
  });

  it('refuses invalid bodies with the §1 error naming the field, before any provider call', async () => {
    const before = f.mocks.openai.requests.length;
    const hosted = await sdk.responses.create({ model: 'resp-openai', input: 'x', tools: [{ type: 'web_search' }] }).catch((e) => e);
    expect(hosted).toBeInstanceOf(OpenAI.BadRequestError);
    expect(hosted.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_parameter', param: 'tools[0].type' });
    const role = await sdk.responses.create({ model: 'resp-openai', input: [{ role: 'robot' as 'user', content: 'x' }] }).catch((e) => e);
    expect(role.error).toMatchObject({ code: 'validation_error', param: 'input[0].role' });
    const missing = await sdk.responses.create({ model: 'nope', input: 'x' }).catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.error).toMatchObject({ code: 'model_not_found' });
    expect(f.mocks.openai.requests.length).toBe(before);
  });

  it.each(['anthropic', 'native'] as const)(
    'a client leaving a stream from %s midway: the upstream is aborted, what was generated is billed',
    async (target) => {
      const model = `resp-slow-${target}`;
      if (target === 'native') await addNativeRoute(model, 'm-slow-stream-50');
      else await f.addRoute(model, target, 'claude-slow-stream-50');
      const stream = sdk.responses.stream({ model, input: 'Take your time' });
      const events: ResponseStreamEvent[] = [];
      stream.on('event', (e) => events.push(e));
      let deltas = 0;
      await new Promise<void>((resolve) => {
        stream.on('response.output_text.delta', () => {
          deltas += 1;
          if (deltas === 3) {
            stream.abort();
            resolve();
          }
        });
      });
      await stream.done().catch(() => undefined);
      const created = events.find((e) => e.type === 'response.created');
      const requestId = requestIdOf(created?.type === 'response.created' ? created.response.id : '');
      let rows = await logRowsOf(f.gw.ctx, requestId);
      for (let i = 0; i < 50 && rows.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        rows = await logRowsOf(f.gw.ctx, requestId);
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        request_type: 'response',
        status: 'cancelled',
        billing_status: 'billed',
        token_count_method: 'estimated',
      });
      expect(rows[0].completion_tokens).toBeGreaterThan(0);
      expect(mockOf(target).requests.at(-1)!.aborted).toBe(true);
      expect(lastUpstream(target).path).toBe(target === 'native' ? '/v1/responses' : '/v1/messages');
      // A response nobody received in full is not stored.
      const stored = await f.gw.ctx.store.db
        .selectFrom('responses')
        .select('id')
        .where('id', '=', `resp_${requestId.replaceAll('-', '')}`)
        .execute();
      expect(stored).toEqual([]);
    },
  );

  it('a provider failure mid-stream ends with response.failed; what was delivered is billed', async () => {
    await f.addRoute('resp-stream-error', 'openai', 'm-stream-error');
    const stream = sdk.responses.stream({ model: 'resp-stream-error', input: 'Hi' });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (e) => events.push(e));
    await stream.done().catch(() => undefined);
    const failed = events.at(-1);
    expect(failed?.type).toBe('response.failed');
    if (failed?.type !== 'response.failed') throw new Error('no response.failed');
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'upstream_error' } });
    const requestId = requestIdOf(failed.response.id);
    const row = await oneRow(requestId);
    expect(row).toMatchObject({ request_type: 'response', status: 'error', billing_status: 'billed' });
    expect(row.completion_tokens).toBeGreaterThan(0);
  });

  it('a native provider failing mid-stream: its events relayed, then response.failed continuing its numbering', async () => {
    await addNativeRoute('resp-native-error', 'm-stream-error');
    const stream = sdk.responses.stream({ model: 'resp-native-error', input: 'Hi' });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (e) => events.push(e));
    await stream.done().catch(() => undefined);
    expect(lastUpstream('native').path).toBe('/v1/responses');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const failed = events.at(-1);
    if (failed?.type !== 'response.failed') throw new Error(`ended with ${failed?.type}`);
    expect(failed.response.error?.message).toContain('The server had an error');
    const row = await oneRow(requestIdOf(failed.response.id));
    expect(row).toMatchObject({ request_type: 'response', status: 'error', billing_status: 'billed' });
    expect(row.completion_tokens).toBeGreaterThan(0);
  });

  it('supports_responses is the operator switch: off, the same route is translated to chat; on again, native', async () => {
    const admin = client(f.gw.url, f.gw.adminKey);
    const providers = (await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
    const providerId = providers.find((p) => p.slug === 'openai-responses')!.id;
    const off = await admin.patch(`/v1/admin/providers/${providerId}`, { supports_responses: false });
    expect(off.body.data.supports_responses).toBe(false);
    expect((await sdk.responses.create({ model: 'resp-native', input: 'Switch' })).output_text).toBe('Echo: Switch');
    expect(lastUpstream('native').path).toBe('/v1/chat/completions');
    const on = await admin.patch(`/v1/admin/providers/${providerId}`, { supports_responses: true });
    expect(on.body.data.supports_responses).toBe(true);
    expect((await sdk.responses.create({ model: 'resp-native', input: 'Switch' })).output_text).toBe('Echo: Switch');
    expect(lastUpstream('native').path).toBe('/v1/responses');
    const invalid = await admin.patch(`/v1/admin/providers/${providerId}`, { supports_responses: 'yes' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.param).toBe('supports_responses');
  });

  it('leaves every call settled: nothing held, wallet = credits − logged costs, ledger clean', async () => {
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });
});

/** Our response ids are the request id without dashes: the log row's request id back. */
function requestIdOf(responseId: string): string {
  return responseId.replace(/^resp_(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

/** An output item sent back as input, as the SDKs' stateless loops do. */
function asInput(item: OpenAI.Responses.ResponseOutputItem): ResponseInputItem {
  return item as ResponseInputItem;
}
