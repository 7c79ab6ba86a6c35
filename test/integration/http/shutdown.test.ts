/** A request that reaches a closing gateway on a connection still open gets a §1 503 and no admission. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { openSocket, parseRaw, readAll } from './raw.js';

describe('shutdown', () => {
  let gw: TestGateway;
  let closed: Promise<void> | null = null;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => closed ?? gw?.close());

  it('answers a request that arrives while the gateway closes with a §1 503 and closes the connection', async () => {
    const socket = await openSocket(gw.url);
    // The request has started (its first line is in) when the shutdown begins, so its connection is not idle.
    socket.write('GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    await new Promise((r) => setTimeout(r, 50));
    closed = gw.close();
    await new Promise((r) => setTimeout(r, 50));
    socket.write('\r\n');
    const res = parseRaw((await readAll(socket, 5000)).text);
    expect(res.status).toBe(503);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'shutting_down', type: 'server_error' });
    await closed;
  });

  it('a connection that never sent a byte (a pre-connect) does not hold the shutdown for the grace', { timeout: 30_000 }, async () => {
    const quiet = await startTestGateway({ env: { ASSISTIV_SHUTDOWN_GRACE_MS: '20000' } });
    const socket = await openSocket(quiet.url);
    const ended = readAll(socket, 25_000);
    const started = performance.now();
    await quiet.close();
    // Without closing silent connections this waited the whole 20 s grace.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await ended).text).toBe('');
  });

  it('waits for inference calls still running before it closes the store (a call may reserve after its client left)', async () => {
    const busy = await startTestGateway();
    // A call past its connection: its socket is gone, its handler has not ended.
    busy.ctx.inferenceCalls.add('a-call-past-its-connection');
    let done = false;
    const closing = busy.close().then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    // The store is still open for the call's reservation and settlement (a closed one rejects the query).
    await expect(busy.ctx.store.db.selectFrom('wallets').select('id').execute()).resolves.toEqual(expect.any(Array));
    busy.ctx.inferenceCalls.delete('a-call-past-its-connection');
    await closing;
    expect(done).toBe(true);
  });
});
