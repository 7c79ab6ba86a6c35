/** Replays a recorded SSE transcript through a stream translator, the way the upstream client does. */
import { createParser } from 'eventsource-parser';
import type { StreamEvent, StreamTranslator } from '../../src/inference/providers/types.js';

/** Feeds `transcript` in `chunkSize`-character slices (to exercise framing across reads), then ends it. */
export function replaySse(transcript: string, translator: StreamTranslator, chunkSize = 7): StreamEvent[] {
  const events: StreamEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      events.push(
        ...translator.onEvent(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data }),
      );
    },
  });
  for (let i = 0; i < transcript.length; i += chunkSize) parser.feed(transcript.slice(i, i + chunkSize));
  events.push(...translator.onEnd());
  return events;
}

/** The chunks' concatenated `delta.content` for one choice. */
export function streamedText(events: readonly StreamEvent[], choice = 0): string {
  let text = '';
  for (const event of events) {
    if (event.type !== 'chunk') continue;
    for (const c of event.chunk.choices) if (c.index === choice && typeof c.delta.content === 'string') text += c.delta.content;
  }
  return text;
}

/** Tool calls reassembled from deltas the way OpenAI SDKs do it: by index, arguments concatenated. */
export function streamedToolCalls(events: readonly StreamEvent[], choice = 0): Array<{ id: string; name: string; arguments: string }> {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const event of events) {
    if (event.type !== 'chunk') continue;
    for (const c of event.chunk.choices) {
      if (c.index !== choice) continue;
      for (const delta of c.delta.tool_calls ?? []) {
        const call = calls[delta.index] ?? { id: '', name: '', arguments: '' };
        calls[delta.index] = call;
        if (delta.id !== undefined) call.id = delta.id;
        if (delta.function?.name !== undefined) call.name += delta.function.name;
        if (delta.function?.arguments !== undefined) call.arguments += delta.function.arguments;
      }
    }
  }
  return calls;
}

/** finish_reason values in order of arrival, per choice index. */
export function finishReasons(events: readonly StreamEvent[]): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const event of events) {
    if (event.type !== 'chunk') continue;
    for (const c of event.chunk.choices) if (c.finish_reason !== null) out.push([c.index, c.finish_reason]);
  }
  return out;
}
