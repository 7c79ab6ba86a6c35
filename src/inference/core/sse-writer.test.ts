import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SseWriter } from './sse-writer.js';

/** A response whose socket buffer is always full, as for a client that reads slowly. */
function slowResponse() {
  const res = new EventEmitter() as EventEmitter & {
    destroyed: boolean;
    writableEnded: boolean;
    written: string[];
    write(s: string): boolean;
  };
  res.destroyed = false;
  res.writableEnded = false;
  res.written = [];
  res.write = (s: string) => {
    res.written.push(s);
    return false;
  };
  return res;
}

describe('SseWriter', () => {
  it('waits on drain under backpressure without adding a close listener per wait (slow readers)', async () => {
    const res = slowResponse();
    const sse = new SseWriter(res as unknown as ServerResponse);
    for (let i = 0; i < 50; i++) {
      const wait = sse.data(`{"n":${i}}`);
      expect(wait).toBeInstanceOf(Promise);
      res.emit('drain');
      await wait;
    }
    expect(res.listenerCount('close')).toBeLessThanOrEqual(1);
    expect(res.written).toHaveLength(50);
    expect(res.written[0]).toBe('data: {"n":0}\n\n');
  });

  it('a close during a wait ends the wait, and nothing is written afterwards', async () => {
    const res = slowResponse();
    const sse = new SseWriter(res as unknown as ServerResponse);
    const wait = sse.data('{}');
    res.destroyed = true;
    res.emit('close');
    await wait;
    expect(sse.data('{}')).toBeUndefined();
    expect(res.written).toHaveLength(1);
  });
});
