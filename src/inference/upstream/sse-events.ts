/**
 * Turns an upstream SSE body into translated stream events, as they arrive: eventsource-parser frames
 * the bytes, the adapter's translator maps each event. Every failure (socket reset, idle timeout,
 * malformed data, a provider error event, a translator that threw, a chunk the gateway could not
 * forward, an empty body) becomes one final `error` event; nothing is thrown.
 */
import { createParser } from 'eventsource-parser';
import { ProviderProtocolError } from '../providers/index.js';
import type { SseEvent, StreamEvent, StreamTranslator, UpstreamError } from '../providers/types.js';
import { isWellFormedChunk } from './output-shape.js';
import type { BodyStream } from './read-body.js';
import { transportError } from './transport-error.js';

/** One SSE event larger than this is not an LLM delta: the stream is treated as broken (rule 12). */
export const MAX_SSE_EVENT_CHARS = 16 * 1024 * 1024;

export type SseContext = {
  translator: StreamTranslator;
  /** True once the caller cancelled: the body's abort error is then not reported. */
  isCancelled(): boolean;
  /** Last look at each error before it leaves (removes the provider key from messages). */
  sanitize(error: UpstreamError): UpstreamError;
};

function badResponse(message: string): StreamEvent {
  return { type: 'error', error: { kind: 'bad_response', status: 200, retryable: true, message } };
}

const OVERSIZED = badResponse('the provider sent an oversized stream event');
const EMPTY = badResponse('the provider answered 200 with an empty stream');

/** Runs a translator step; a translator that throws is a protocol failure of this stream, not a crash. */
function translate(step: () => StreamEvent[]): StreamEvent[] {
  try {
    return step().map((event) =>
      event.type === 'chunk' && !isWellFormedChunk(event.chunk) ? badResponse('the provider sent a malformed stream chunk') : event,
    );
  } catch (error) {
    return [
      badResponse(error instanceof ProviderProtocolError ? error.message : 'the provider sent a stream event the gateway could not read'),
    ];
  }
}

export async function* sseEvents(body: BodyStream, context: SseContext): AsyncGenerator<StreamEvent, void, undefined> {
  let pending: StreamEvent[] = [];
  let yielded = 0;
  const parser = createParser({
    maxBufferSize: MAX_SSE_EVENT_CHARS,
    onEvent(message) {
      const event: SseEvent = message.event === undefined ? { data: message.data } : { event: message.event, data: message.data };
      for (const translated of translate(() => context.translator.onEvent(event))) pending.push(translated);
    },
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') pending.push(OVERSIZED);
    },
  });
  // Streaming decode: a multi-byte character split across two reads is joined, not mangled.
  const decoder = new TextDecoder();
  try {
    for await (const bytes of body) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      if (pending.length === 0) continue;
      const batch = pending;
      pending = [];
      for (const event of batch) {
        // Only the first error counts: the stream ends there.
        if (event.type === 'error') {
          yield { type: 'error', error: context.sanitize(event.error) };
          return;
        }
        yielded += 1;
        yield event;
      }
    }
  } catch (error) {
    if (!context.isCancelled()) yield { type: 'error', error: context.sanitize(transportError(error)) };
    return;
  }
  if (context.isCancelled()) return;
  for (const event of translate(() => context.translator.onEnd())) {
    if (event.type === 'error') {
      yield { type: 'error', error: context.sanitize(event.error) };
      return;
    }
    yielded += 1;
    yield event;
  }
  if (yielded === 0) yield EMPTY;
}
