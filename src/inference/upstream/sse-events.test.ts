/** The shared SSE reader turns every failure into one final error event; nothing is thrown or forwarded raw. */
import { describe, expect, it } from 'vitest';
import { ProviderProtocolError } from '../providers/index.js';
import { createOpenAiStreamTranslator } from '../providers/openai/stream.js';
import type { StreamEvent, StreamTranslator, UpstreamError } from '../providers/types.js';
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
