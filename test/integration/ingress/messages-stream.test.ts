/**
 * `/v1/messages` streams over real sockets (spec §5b, §5c): a client that disconnects mid-stream is billed for
 * what was generated and leaves no hold, for every provider kind; and a Claude-Code-like multi-turn tool
 * conversation (its system blocks with cache_control, its tools, metadata.user_id, anthropic-beta header,
 * streaming) through /v1/messages to an OpenAI-kind provider, each turn billed once.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { expectMoneySettled, logRowsOf } from '../../helpers/money-invariants.js';
import { dialects } from '../../helpers/suites.js';

const KINDS = ['openai', 'anthropic', 'google'] as const;

/** Polls until the request's log row is written (a cancelled stream settles after the socket closed). */
async function rowEventually(f: InferenceFixture, requestId: string) {
  for (let i = 0; i < 100; i++) {
    const rows = await logRowsOf(f.gw.ctx, requestId);
    if (rows.length > 0) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no log row for ${requestId}`);
}

describe.each(dialects)('/v1/messages streams (%s)', (dialect) => {
  let f: InferenceFixture;

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    for (const kind of KINDS) await f.addRoute(`msg-slow-${kind}`, kind, 'm-slow-stream-60');
    await f.addRoute('cc-openai', 'openai', 'm-tools');
  });
  afterAll(() => f?.close());

  it.each(KINDS)('a client that leaves mid-stream from %s is billed for what was generated, and nothing stays held', async (kind) => {
    const controller = new AbortController();
    const res = await fetch(`${f.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': f.endUserKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: `msg-slow-${kind}`,
        max_tokens: 500,
        stream: true,
        messages: [{ role: 'user', content: 'Go slowly' }],
      }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const requestId = res.headers.get('x-request-id') as string;
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/"text_delta"/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended before the client left');
      text += decoder.decode(value, { stream: true });
    }
    expect(text.startsWith('event: message_start\n')).toBe(true);
    controller.abort();

    const [row, ...more] = await rowEventually(f, requestId);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ request_type: 'message', status: 'cancelled', billing_status: 'billed' });
    // At least the delivered pieces, far fewer than the 20 the provider would have sent.
    expect(row?.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(row?.completion_tokens).toBeLessThan(20);
    expect(Number(row?.cost_micros)).toBeGreaterThan(0);
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a Claude-Code-like multi-turn tool conversation runs through /v1/messages on an OpenAI-kind provider', async () => {
    // Claude Code sends its key as a Bearer token (ANTHROPIC_AUTH_TOKEN) or x-api-key, plus beta flags.
    const sdk = new Anthropic({
      authToken: f.endUserKey,
      apiKey: null,
      baseURL: f.gw.url,
      maxRetries: 0,
      defaultHeaders: { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14', 'x-app': 'cli' },
    });
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Working directory: /repo. Platform: linux.', cache_control: { type: 'ephemeral' } },
    ];
    const tools: Anthropic.Tool[] = [
      {
        name: 'Bash',
        description: 'Executes a bash command',
        input_schema: {
          type: 'object',
          properties: { command: { type: 'string' }, description: { type: 'string' } },
          required: ['command'],
          additionalProperties: false,
          $schema: 'http://json-schema.org/draft-07/schema#',
        },
      },
      { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } },
    ];
    const metadata = { user_id: 'user_0123abcd_account__session_4567' };
    const history: Anthropic.MessageParam[] = [];
    const requestIds: string[] = [];
    const turn = async () => {
      const stream = sdk.messages.stream({
        model: 'cc-openai',
        max_tokens: 32000,
        temperature: 1,
        system,
        tools,
        metadata,
        messages: history,
      });
      const message = await stream.finalMessage();
      requestIds.push((await stream.withResponse()).response.headers.get('x-request-id') as string);
      history.push({ role: 'assistant', content: message.content });
      return message;
    };
    const runTool = (message: Anthropic.Message, output: string) => {
      const call = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      if (!call) throw new Error('expected a tool call');
      expect(call.name).toBe('Bash');
      expect(call.input).toEqual({ command: 'Paris', description: 'Paris' });
      history.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: output }] });
      return call.id;
    };

    history.push({
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>This is a reminder.</system-reminder>' },
        { type: 'text', text: 'List the files', cache_control: { type: 'ephemeral' } },
      ],
    });
    const first = await turn();
    expect(first.stop_reason).toBe('tool_use');
    const firstCall = runTool(first, 'README.md\nsrc');
    const second = await turn();
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'The tool said: README.md\nsrc' }]);

    history.push({ role: 'user', content: 'Now count the lines' });
    const third = await turn();
    expect(third.stop_reason).toBe('tool_use');
    runTool(third, '42 README.md');
    const fourth = await turn();
    expect(fourth.content).toEqual([{ type: 'text', text: 'The tool said: 42 README.md' }]);

    // The OpenAI-kind provider received the whole conversation in Chat Completions form, tool turns paired by id.
    const upstream = f.mocks.openai.requests.at(-1)?.body as { messages: Array<Record<string, unknown>>; tools: unknown[]; user: string };
    expect(upstream.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'tool']);
    expect(upstream.messages[3]).toEqual({ role: 'tool', tool_call_id: firstCall, content: 'README.md\nsrc' });
    expect(upstream.messages[2]).toMatchObject({ tool_calls: [{ id: firstCall, function: { name: 'Bash' } }] });
    expect(upstream.tools).toHaveLength(2);
    expect(upstream.user).toBe(metadata.user_id);
    expect(JSON.stringify(upstream)).not.toContain('cache_control');

    // Four turns, four log rows, each billed once, each saying what the translation dropped.
    expect(new Set(requestIds).size).toBe(4);
    for (const id of requestIds) {
      const rows = await logRowsOf(f.gw.ctx, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        request_type: 'message',
        status: 'success',
        billing_status: 'billed',
        token_count_method: 'reported',
      });
      expect(JSON.parse(rows[0]?.metadata ?? '{}').warnings).toContain(
        'cache_control markers were dropped: this provider has no prompt-cache markers',
      );
    }
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });
});
