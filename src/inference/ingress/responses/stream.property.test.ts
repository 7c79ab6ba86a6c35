/**
 * Property: for any sequence of completion chunks (text deltas, tool-call deltas over several calls, a finish
 * reason), the Responses stream's events carry sequence numbers 0..n-1 in order, their deltas concatenate to
 * exactly the chunks' content and each call's arguments, and the openai SDK's own accumulator, fed every
 * event, ends with the same response as `response.completed` (so `responses.stream().finalResponse()` works).
 */
import fc from 'fast-check';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import type { ChatCompletionChunk, FinishReason } from '../../providers/types.js';
import { plainUsage } from '../../providers/wire-usage.js';
import type { AnswerContext } from '../types.js';
import { parseResponsesBody } from './request.js';
import { createResponsesStream } from './stream.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const ctx: AnswerContext = {
  requestId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  model: 'client-model',
  createdAtS: 1_765_000_000,
  promptEstimate: 10,
};
const body = parseResponsesBody({ model: 'client-model', input: 'hi', metadata: { k: 'v' } });

type Piece = { kind: 'text'; text: string } | { kind: 'tool'; index: number; args: string };

const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('tool' as const), index: fc.integer({ min: 0, max: 2 }), args: fc.string({ maxLength: 8 }) }),
);

function chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'upstream', choices: [{ index: 0, delta, finish_reason: finish }] };
}

/** Chunks as a provider streams them: the first delta of a call carries its id and name. */
function toChunks(pieces: Piece[], finish: FinishReason): ChatCompletionChunk[] {
  const seen = new Set<number>();
  const chunks = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces) {
    if (p.kind === 'text') chunks.push(chunk({ content: p.text }));
    else {
      const first = !seen.has(p.index);
      seen.add(p.index);
      const fn = first ? { name: `tool_${p.index}`, arguments: p.args } : { arguments: p.args };
      chunks.push(
        chunk({ tool_calls: [{ index: p.index, ...(first && { id: `call_${p.index}`, type: 'function' as const }), function: fn }] }),
      );
    }
  }
  chunks.push(chunk({}, finish));
  return chunks;
}

describe('the Responses stream renderer (fast-check)', () => {
  it('numbers its events 0..n-1, its deltas rebuild the chunks, and the SDK accumulates the completed response', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom<FinishReason>('stop', 'tool_calls', 'length'), (pieces, finish) => {
        const stream = createResponsesStream(ctx, body);
        const frames = toChunks(pieces, finish).flatMap((c) => stream.chunk(c, undefined));
        frames.push(...stream.finish({ ...plainUsage(12, 7), cachedTokens: 2, reasoningTokens: 3 }, null));
        const events = frames.map((f) => {
          const data = JSON.parse(f.data) as ResponseStreamEvent;
          expect(f.event).toBe(data.type);
          return data;
        });
        expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));

        const text = pieces.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('');
        const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
        expect(deltas).toBe(text);
        for (const index of new Set(pieces.flatMap((p) => (p.kind === 'tool' ? [p.index] : [])))) {
          const args = pieces.flatMap((p) => (p.kind === 'tool' && p.index === index ? [p.args] : [])).join('');
          const item = events.find(
            (e) => e.type === 'response.output_item.added' && e.item.type === 'function_call' && e.item.call_id === `call_${index}`,
          );
          const itemId = item?.type === 'response.output_item.added' ? item.item.id : undefined;
          const argDeltas = events.flatMap((e) =>
            e.type === 'response.function_call_arguments.delta' && e.item_id === itemId ? [e.delta] : [],
          );
          expect(argDeltas.join('')).toBe(args);
        }

        const last = events[events.length - 1];
        expect(last.type).toBe(finish === 'length' ? 'response.incomplete' : 'response.completed');
        const final = (last as unknown as { response: Record<string, unknown> }).response;
        expect(final).toMatchObject({
          id: 'resp_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b',
          model: 'client-model',
          status: finish === 'length' ? 'incomplete' : 'completed',
          output_text: text,
          metadata: { k: 'v' },
          usage: {
            input_tokens: 12,
            input_tokens_details: { cached_tokens: 2 },
            output_tokens: 7,
            output_tokens_details: { reasoning_tokens: 3 },
            total_tokens: 19,
          },
        });
        if (finish === 'length') expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
        expect(stream.answer()).toEqual(final);

        // The SDK rebuilds the answer from the events before the last one (it throws on any out-of-order event).
        let snapshot: ReturnType<typeof accumulateResponse> | undefined;
        for (const event of events.slice(0, -1)) snapshot = accumulateResponse(event, snapshot);
        expect(snapshot?.output).toEqual(final.output);
        expect(snapshot?.output_text).toBe(text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a failure after the first frame ends with response.failed carrying the error', () => {
    const stream = createResponsesStream(ctx, body);
    const frames = [
      ...stream.chunk(chunk({ content: 'Hel' }), undefined),
      ...stream.fail(new ApiError(502, 'upstream_error', 'The provider failed.'), ctx.requestId),
    ];
    const events = frames.map((f) => JSON.parse(f.data));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.failed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events[5].response).toMatchObject({ status: 'failed', error: { code: 'upstream_error', message: 'The provider failed.' } });
    expect(frames.some((f) => f.data.includes('[DONE]'))).toBe(false);
  });
});

if (process.env.FC_SEED === undefined)
  console.info(`ingress/responses/stream.property.test.ts fast-check seed: ${SEED} (set FC_SEED to replay)`);
