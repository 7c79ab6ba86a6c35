/**
 * Every adapter's response side is total: for any JSON, any text and any SSE sequence (a valid prefix,
 * then garbage; fields missing, null or of the wrong type; invalid JSON), `parseResponse` returns a
 * well-formed completion or throws ProviderProtocolError, a stream translator never throws and yields
 * only well-formed chunks and at most one final error, and `parseError` never throws.
 */
import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedChunk, isWellFormedCompletion } from '../upstream/output-shape.js';
import { anthropicAdapter } from './anthropic/index.js';
import { googleAdapter } from './google/index.js';
import { openaiAdapter } from './openai/index.js';
import { ProviderProtocolError } from './protocol-error.js';
import type { ProviderAdapter, SseEvent, StreamEvent, Usage } from './types.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const body = { model: 'client-model', messages: [{ role: 'user' as const, content: 'hi' }] };

function fixtureEvents(kind: string, name: string): SseEvent[] {
  const text = readFileSync(new URL(`./${kind}/__fixtures__/${name}`, import.meta.url), 'utf8');
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (m) => events.push(m.event === undefined ? { data: m.data } : { event: m.event, data: m.data }),
  });
  parser.feed(text);
  return events;
}

/** A valid non-streaming answer of each kind, as the providers document it. */
const VALID_RESPONSES: Record<string, unknown> = {
  openai: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Hi',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 4 } },
  },
  anthropic: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude',
    content: [
      { type: 'text', text: 'Hi' },
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
    ],
    stop_reason: 'tool_use',
    usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 0 },
  },
  google: {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'Hi' }, { functionCall: { name: 'f', args: { a: 1 } } }] },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 },
    modelVersion: 'gemini',
    responseId: 'r1',
  },
};

const ADAPTERS: Array<[ProviderAdapter, SseEvent[][]]> = [
  [openaiAdapter, [fixtureEvents('openai', 'text.chunks.txt'), fixtureEvents('openai', 'tool-calls.chunks.txt')]],
  [anthropicAdapter, [fixtureEvents('anthropic', 'text.chunks.txt'), fixtureEvents('anthropic', 'tool-use.chunks.txt')]],
  [googleAdapter, [fixtureEvents('google', 'text.chunks.txt'), fixtureEvents('google', 'function-calls.chunks.txt')]],
];

type Path = Array<string | number>;

/** Every path into a JSON value (the root included). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) out.push(...pathsOf(item, [...prefix, i]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  }
  return out;
}

type Mutation = { pick: number; op: 'delete' | 'null' | 'replace' | 'wrap' | 'string'; replacement: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'null', 'replace', 'wrap', 'string'),
  replacement: fc.jsonValue({ maxDepth: 2 }),
});

/** A copy of `value` with one node deleted, nulled, replaced, wrapped in an array or turned into a string. */
function mutate(value: unknown, m: Mutation): unknown {
  const root = structuredClone(value);
  const paths = pathsOf(root);
  const path = paths[m.pick % paths.length] as Path;
  const next = (old: unknown): unknown =>
    m.op === 'null' ? null : m.op === 'replace' ? m.replacement : m.op === 'wrap' ? [old] : m.op === 'string' ? String(old) : undefined;
  if (path.length === 0) return m.op === 'delete' ? {} : next(root);
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = next(parent[last]);
  return root;
}

/** One SSE event of a fuzzed stream: a fixture event (maybe mutated), arbitrary JSON, broken text, or [DONE]. */
function eventArb(fixtures: SseEvent[][]): fc.Arbitrary<SseEvent> {
  const all = fixtures.flat();
  const fixture = fc.constantFrom(...all);
  const jsonFixture = fc.constantFrom(...all.filter((event) => event.data.startsWith('{')));
  return fc.oneof(
    { weight: 4, arbitrary: fixture },
    {
      weight: 4,
      arbitrary: fc.tuple(jsonFixture, mutation).map(([event, m]) => {
        const json = JSON.parse(event.data) as unknown;
        return { ...event, data: JSON.stringify(mutate(json, m)) ?? 'null' };
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ data: JSON.stringify(json) ?? 'null' })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((data) => ({ data })) },
    { weight: 1, arbitrary: fixture.map((event) => ({ ...event, data: event.data.slice(0, Math.floor(event.data.length / 2)) })) },
    { weight: 1, arbitrary: fc.constant({ data: '[DONE]' }) },
    { weight: 1, arbitrary: fc.constantFrom('error', 'message_stop', 'ping').map((event) => ({ event, data: '{}' })) },
  );
}

/** A valid prefix of a recorded stream, then fuzzed events. */
function sequenceArb(fixtures: SseEvent[][]): fc.Arbitrary<SseEvent[]> {
  return fc
    .tuple(fc.constantFrom(...fixtures), fc.nat(), fc.array(eventArb(fixtures), { maxLength: 12 }))
    .map(([recorded, cut, tail]) => [...recorded.slice(0, cut % (recorded.length + 1)), ...tail]);
}

function plausible(usage: Usage): boolean {
  const { promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens } = usage;
  const counts = [promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens];
  return (
    counts.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    cachedTokens + cacheWriteTokens + cacheWrite1hTokens <= promptTokens &&
    reasoningTokens <= completionTokens &&
    promptTokens > 0
  );
}

function checkStream(events: StreamEvent[]): void {
  const errorAt = events.findIndex((e) => e.type === 'error');
  if (errorAt !== -1) expect(errorAt, 'an error event is the last event').toBe(events.length - 1);
  for (const event of events) {
    if (event.type === 'chunk') expect(isWellFormedChunk(event.chunk), JSON.stringify(event.chunk)).toBe(true);
    if (event.type === 'usage') expect(plausible(event.usage), JSON.stringify(event.usage)).toBe(true);
    if (event.type === 'error') expect(typeof event.error.message).toBe('string');
  }
}

describe.each(ADAPTERS.map(([adapter, fixtures]) => [adapter.kind, adapter, fixtures] as const))(
  '%s adapter is total (fast-check)',
  (kind, adapter, fixtures) => {
    it('parseResponse: a well-formed completion or ProviderProtocolError, for mutated and arbitrary JSON', () => {
      const input = fc.oneof(
        fc
          .tuple(fc.array(mutation, { minLength: 1, maxLength: 3 }))
          .map(([ms]) => ms.reduce((json, m) => mutate(json, m), VALID_RESPONSES[kind])),
        fc.jsonValue({ maxDepth: 4 }),
      );
      fc.assert(
        fc.property(input, (json) => {
          let result: ReturnType<ProviderAdapter['parseResponse']>;
          try {
            result = adapter.parseResponse(structuredClone(json), body);
          } catch (error) {
            expect(error).toBeInstanceOf(ProviderProtocolError);
            return;
          }
          expect(isWellFormedCompletion(result.completion), JSON.stringify(result.completion)).toBe(true);
          if (result.usage !== null) expect(plausible(result.usage)).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS * 3 },
      );
    });

    it('stream translator: never throws; well-formed chunks; one final error at most', () => {
      fc.assert(
        fc.property(sequenceArb(fixtures), (sequence) => {
          const translator = adapter.createStreamTranslator(body);
          const events: StreamEvent[] = [];
          for (const event of sequence) events.push(...translator.onEvent(event));
          events.push(...translator.onEnd());
          checkStream(events);
          // A sequence may translate to nothing at all (e.g. only an implausible usage chunk, then [DONE]): the
          // upstream reader turns a stream that yielded no event into a bad_response error (sse-events.test.ts,
          // "ends with one bad_response error on an empty 200 body"), so it never ends silently.
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it('parseError: never throws, and always gives a bounded, redacted message', () => {
      const text = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json) ?? ''),
        fc
          .tuple(fc.constantFrom(VALID_RESPONSES[kind], { error: { message: 'm', type: 't', code: 'c', status: 'S' } }), mutation)
          .map(([json, m]) => JSON.stringify(mutate(json, m)) ?? ''),
      );
      const headers = fc.dictionary(
        fc.constantFrom('retry-after', 'retry-after-ms', 'x-other'),
        fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }), fc.constant(undefined)),
      );
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 999 }), text, headers, (status, bodyText, h) => {
          const error = adapter.parseError(status, bodyText, h);
          expect(typeof error.message).toBe('string');
          expect(error.message.length).toBeGreaterThan(0);
          expect(error.message.length).toBeLessThanOrEqual(500);
          expect(['connection', 'timeout', 'rate_limited', 'server', 'auth', 'invalid_request', 'bad_response']).toContain(error.kind);
          if (error.retryAfterSeconds !== undefined) expect(Number.isInteger(error.retryAfterSeconds)).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  },
);

if (process.env.FC_SEED === undefined) console.info(`adapters.property.test.ts fast-check seed: ${SEED} (set FC_SEED to replay)`);
