/**
 * Property: for any sequence of internal chunks (text fragments and tool calls, in any order, some empty),
 * the Anthropic events the renderer writes are well formed: message_start first, message_delta then
 * message_stop last; content blocks numbered 0, 1, 2… in order, each started once, stopped once, never
 * two open at a time, every delta inside its open block; and concatenating the text_delta / input_json_delta
 * fragments gives back exactly the chunks' content and each tool call's arguments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import type { ChatCompletionChunk, Usage } from '../../providers/types.js';
import type { SseFrame } from '../types.js';
import { MessagesStream } from './stream.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 500);
const ctx = { requestId: 'req_1', model: 'claude-alias', createdAtS: 1, promptEstimate: 9 };
const usage: Usage = {
  promptTokens: 40,
  completionTokens: 9,
  cachedTokens: 10,
  cacheWriteTokens: 5,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
};

type Segment = { kind: 'text'; parts: string[] } | { kind: 'tool'; name: string; parts: string[] };

const segment: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), parts: fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 6 }) }),
  fc.record({
    kind: fc.constant('tool' as const),
    name: fc.stringMatching(/^[a-z_]{1,12}$/),
    parts: fc.array(fc.string(), { maxLength: 6 }),
  }),
);

function chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | 'tool_calls' | null = null): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] };
}

/** OpenAI-style chunks: the role first, tool calls numbered from 0, the first delta of a call carrying id and name. */
function toChunks(segments: readonly Segment[]): {
  chunks: ChatCompletionChunk[];
  text: string;
  tools: Array<{ id: string; name: string; args: string }>;
} {
  const chunks = [chunk({ role: 'assistant', content: '' })];
  let text = '';
  const tools: Array<{ id: string; name: string; args: string }> = [];
  for (const s of segments) {
    if (s.kind === 'text') {
      for (const part of s.parts) chunks.push(chunk({ content: part }));
      text += s.parts.join('');
      continue;
    }
    const index = tools.length;
    const id = `call_${index}`;
    tools.push({ id, name: s.name, args: s.parts.join('') });
    chunks.push(chunk({ tool_calls: [{ index, id, type: 'function', function: { name: s.name, arguments: '' } }] }));
    for (const part of s.parts) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
  }
  chunks.push(chunk({}, tools.length > 0 ? 'tool_calls' : 'stop'));
  return { chunks, text, tools };
}

type Event = {
  type: string;
  index?: number;
  content_block?: { type: string; id?: string; name?: string };
  delta?: Record<string, unknown>;
};

function events(frames: readonly SseFrame[]): Event[] {
  return frames.map((f) => {
    const data = JSON.parse(f.data) as Event;
    expect(f.event).toBe(data.type);
    return data;
  });
}

describe('Messages stream renderer', () => {
  it('writes well-formed events whose deltas concatenate to the chunks', () => {
    try {
      fc.assert(
        fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
          const { chunks, text, tools } = toChunks(segments);
          const stream = new MessagesStream(ctx);
          const frames = chunks.flatMap((c) => stream.chunk(c, undefined));
          frames.push(...stream.finish(usage, null));
          const evs = events(frames);

          expect(evs[0]?.type).toBe('message_start');
          expect(evs[1]?.type).toBe('ping');
          evs.splice(1, 1);
          expect(evs.at(-2)?.type).toBe('message_delta');
          expect(evs.at(-1)?.type).toBe('message_stop');
          expect(evs.filter((e) => e.type.startsWith('message_')).length).toBe(3);

          let open: number | null = null;
          let started = 0;
          let streamedText = '';
          const blocks: Array<{ type: string; id?: string; name?: string; json: string }> = [];
          for (const e of evs.slice(1, -2)) {
            if (e.type === 'content_block_start') {
              expect(open).toBeNull();
              expect(e.index).toBe(started);
              open = started++;
              blocks.push({ ...(e.content_block as { type: string }), json: '' });
            } else if (e.type === 'content_block_delta') {
              expect(e.index).toBe(open);
              const block = blocks[e.index as number];
              if (e.delta?.type === 'text_delta') {
                expect(block?.type).toBe('text');
                expect(e.delta.text).not.toBe('');
                streamedText += e.delta.text as string;
              } else {
                expect(e.delta?.type).toBe('input_json_delta');
                expect(block?.type).toBe('tool_use');
                (block as { json: string }).json += e.delta?.partial_json as string;
              }
            } else {
              expect(e.type).toBe('content_block_stop');
              expect(e.index).toBe(open);
              open = null;
            }
          }
          expect(open).toBeNull();
          expect(streamedText).toBe(text);
          expect(blocks.filter((b) => b.type === 'tool_use').map(({ id, name, json }) => ({ id, name, args: json }))).toEqual(tools);
          expect(evs.at(-2)).toMatchObject({
            delta: { stop_reason: tools.length > 0 ? 'tool_use' : 'end_turn' },
            usage: { input_tokens: 25, output_tokens: 9, cache_read_input_tokens: 10, cache_creation_input_tokens: 5 },
          });
          // The answer kept for afterAnswer has the same blocks, in order.
          const answer = stream.answer();
          expect(answer.content.map((b) => b.type)).toEqual(blocks.map((b) => b.type));
          expect(
            answer.content
              .filter((b) => b.type === 'text')
              .map((b) => b.text)
              .join(''),
          ).toBe(text);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } catch (err) {
      console.error(`messages stream property failed with FC_SEED=${SEED}`);
      throw err;
    }
  });

  it('announces the prompt estimate at message_start, the client model, and an id tied to the request', () => {
    const stream = new MessagesStream(ctx);
    const [start, ping, ...rest] = events(stream.chunk(chunk({ role: 'assistant', content: '' }), undefined));
    expect(ping).toEqual({ type: 'ping' });
    expect(rest).toEqual([]);
    expect(start).toMatchObject({
      type: 'message_start',
      message: { id: 'msg_req_1', type: 'message', role: 'assistant', content: [], model: 'claude-alias', usage: { input_tokens: 9 } },
    });
  });

  it('ends a failed stream with an error event in Anthropic shape', () => {
    const stream = new MessagesStream(ctx);
    stream.chunk(chunk({ content: 'partial' }), undefined);
    const [frame] = stream.fail(new ApiError(502, 'upstream_error', 'The provider failed mid-stream.'), 'req_1');
    expect(frame?.event).toBe('error');
    expect(JSON.parse(frame?.data ?? '')).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'The provider failed mid-stream.', code: 'upstream_error' },
      request_id: 'req_1',
    });
  });

  it('relays a native event untouched except the model at message_start', () => {
    const stream = new MessagesStream(ctx);
    const start = '{"type":"message_start","message":{"id":"msg_x","model":"claude-sonnet-4-20250514","usage":{"input_tokens":3}}}';
    expect(JSON.parse(stream.raw?.({ event: 'message_start', data: start })[0]?.data ?? '')).toEqual({
      type: 'message_start',
      message: { id: 'msg_x', model: 'claude-alias', usage: { input_tokens: 3 } },
    });
    const delta = '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hm"}}';
    expect(stream.raw?.({ event: 'content_block_delta', data: delta })).toEqual([{ event: 'content_block_delta', data: delta }]);
    // Anthropic's own message_delta and message_stop were relayed: the end is not written twice.
    expect(stream.finish(usage, null)).toEqual([]);
  });
});
