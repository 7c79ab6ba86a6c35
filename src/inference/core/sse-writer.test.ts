import { EventEmitter, once } from 'node:events';
import { createServer, type ServerResponse as Res } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
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
    const sse = new SseWriter(res as unknown as Res);
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
    const sse = new SseWriter(res as unknown as Res);
    const wait = sse.data('{}');
    res.destroyed = true;
    res.emit('close');
    await wait;
    expect(sse.data('{}')).toBeUndefined();
    expect(res.written).toHaveLength(1);
  });

  it('frames written in one turn leave in one socket write (Node corks a response until the turn ends): no syscall per frame', async () => {
    let writer: SseWriter | null = null;
    let socketWrites = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Count what reaches the socket's writer: each call is one write syscall (or one writev).
      const socket = res.socket as unknown as { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };
      for (const method of ['_write', '_writev'] as const) {
        const original = socket[method].bind(socket);
        socket[method] = (...args: unknown[]) => {
          socketWrites += 1;
          return original(...args);
        };
      }
      writer = new SseWriter(res);
      // Three frames in one turn, then silence: the client must still get all three at once.
      writer.data('1');
      writer.frames([{ event: 'e', data: '2' }]);
      writer.data('3');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      // A raw socket: an HTTP client would split the chunked body into one event per chunk.
      const reads = await new Promise<string[]>((resolve, reject) => {
        const got: string[] = [];
        const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.setEncoding('utf8');
        socket.on('data', (text: string) => {
          got.push(text);
          if (got.join('').includes('data: 3')) {
            socket.destroy();
            resolve(got);
          }
        });
        socket.on('error', reject);
        setTimeout(() => reject(new Error(`not flushed: ${JSON.stringify(got)}`)), 2_000);
      });
      const body = reads.join('');
      expect(body).toContain('data: 1\n\n');
      expect(body).toContain('event: e\ndata: 2\n\n');
      // Headers and the three frames left in one socket write, not one per frame.
      expect(socketWrites).toBe(1);
      expect(reads.length).toBeGreaterThan(0);
    } finally {
      (writer as SseWriter | null)?.end();
      server.close();
    }
  });
});
