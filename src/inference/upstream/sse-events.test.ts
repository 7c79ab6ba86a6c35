/** The shared SSE reader turns every failure into one final error event; nothing is thrown or forwarded raw. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapterFor, ProviderProtocolError } from '../providers/index.js';
import { createOpenAiStreamTranslator } from '../providers/openai/stream.js';
import type { ProviderKind, StreamEvent, StreamTranslator, UpstreamError } from '../providers/types.js';
import { isWellFormedChunk } from './output-shape.js';
import type { BodyStream } from './read-body.js';
import { sseEvents } from './sse-events.js';

function body(parts: Array<string | Error>): BodyStream {
  return {
    async *[Symbol.asyncIterator]() {
      for (const part of parts) {
        if (part instanceof Error) throw part;
        yield new TextEncoder().encode(part);
      }
    },
    destroy: () => undefined,
  };
}

async function read(parts: Array<string | Error>, translator: StreamTranslator = createOpenAiStreamTranslator()): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  const context = { translator, isCancelled: () => false, sanitize: (e: UpstreamError) => e };
  for await (const event of sseEvents(body(parts), context)) out.push(event);
  return out;
}

const chunk = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

describe('sseEvents', () => {
  it('ends with one bad_response error on an empty 200 body', async () => {
    expect(await read([])).toMatchObject([{ type: 'error', error: { kind: 'bad_response', retryable: true } }]);
  });

  it('treats a body that is not SSE (broken framing) as incomplete', async () => {
    const events = await read(['{"id":"c","choices":[]}\n', 'plain text\n\n']);
    expect(events).toMatchObject([{ type: 'error', error: { kind: 'bad_response' } }]);
  });

  it('ends with an error when invalid JSON follows valid chunks', async () => {
    const events = await read([chunk('a'), 'data: {"id":\n\n', chunk('b', 'stop')]);
    expect(events.map((e) => e.type)).toEqual(['chunk', 'error']);
  });

  it('reports a connection cut mid-stream as a retryable connection error', async () => {
    const cut = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const events = await read([chunk('a'), cut]);
    expect(events.map((e) => e.type)).toEqual(['chunk', 'error']);
    expect(events[1]).toMatchObject({ error: { kind: 'connection', retryable: true } });
  });

  it('turns a translator that throws into bad_response, not a crash', async () => {
    const throwing: StreamTranslator = {
      onEvent: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'choices')");
      },
      onEnd: () => [],
    };
    expect(await read([chunk('a')], throwing)).toMatchObject([
      { type: 'error', error: { kind: 'bad_response', message: 'the provider sent a stream event the gateway could not read' } },
    ]);
    const protocol: StreamTranslator = {
      onEvent: () => [],
      onEnd: () => {
        throw new ProviderProtocolError('the provider sent nonsense');
      },
    };
    expect(await read([chunk('a')], protocol)).toMatchObject([{ type: 'error', error: { message: 'the provider sent nonsense' } }]);
  });

  it('never forwards a chunk whose shape is wrong, whatever the translator says', async () => {
    const sloppy: StreamTranslator = {
      onEvent: () => [{ type: 'chunk', chunk: { id: 'x' } as never }],
      onEnd: () => [],
    };
    expect(await read([chunk('a')], sloppy)).toMatchObject([{ type: 'error', error: { kind: 'bad_response' } }]);
  });
});

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe('sseEvents over arbitrary bytes (fast-check)', () => {
  const transcripts = {
    openai: readFileSync(new URL('../providers/openai/__fixtures__/text.chunks.txt', import.meta.url), 'utf8'),
    anthropic: readFileSync(new URL('../providers/anthropic/__fixtures__/text.chunks.txt', import.meta.url), 'utf8'),
    google: readFileSync(new URL('../providers/google/__fixtures__/text.chunks.txt', import.meta.url), 'utf8'),
  };

  it.each(Object.entries(transcripts))('%s: a valid prefix, then garbage, in random slices, ends cleanly', async (kind, transcript) => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('\n\n', 'data: ', 'data: {', 'data: [DONE]\n\n', 'event: error\n', '\r\n\r\n', 'data: null\n\n', ': ping\n\n'),
      fc.jsonValue({ maxDepth: 2 }).map((json) => `data: ${JSON.stringify(json)}\n\n`),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(garbage, { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), async (cut, tail, slice) => {
        const bytes = transcript.slice(0, cut % (transcript.length + 1)) + tail.join('');
        const parts: string[] = [];
        for (let i = 0; i < bytes.length; i += slice) parts.push(bytes.slice(i, i + slice));
        const events = await read(parts, adapterFor(kind as ProviderKind).createStreamTranslator({ model: 'm', messages: [] }));
        expect(events.length).toBeGreaterThan(0); // never silent: an answer or an error
        const errorAt = events.findIndex((e) => e.type === 'error');
        expect(errorAt === -1 || errorAt === events.length - 1).toBe(true);
        for (const event of events) if (event.type === 'chunk') expect(isWellFormedChunk(event.chunk)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

if (process.env.FC_SEED === undefined) console.info(`sse-events.test.ts fast-check seed: ${SEED} (set FC_SEED to replay)`);
