/**
 * Graceful shutdown (issue 10, "Crash and shutdown"): on SIGTERM the spawned gateway refuses new
 * connections at once, lets the streams in flight finish (up to ASSISTIV_SHUTDOWN_GRACE_MS), settles and
 * logs every one of them, and exits 0; streams still running at the deadline are cut and settled as
 * cancelled, billed for what was delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/database.js';
import { dialects } from '../../helpers/suites.js';
import { type MockProvider, startMockOpenAI } from '../../mocks/index.js';
import {
  cli,
  type Durable,
  durableDatabase,
  ledgerOf,
  provision,
  type StreamEnd,
  serve,
  slowModel,
  streamChat,
} from './spawned-gateway.js';

const STREAMS = 10;
/** 30 chunks, one every 100 ms: about 3 s, long enough to try a new request while they run. */
const SLOW = slowModel(100, 30);
/** 100 chunks, one every 100 ms: 10 s, far past the short grace period of the second test. */
const SLOWER = slowModel(100, 100);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens `count` streams and resolves once each has delivered its first chunk. */
async function openStreams(url: string, key: string, model: string, count: number) {
  let started = 0;
  let allStarted: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    allStarted = resolve;
  });
  let pending = count;
  const ends = Array.from({ length: count }, () => {
    let first = true;
    return streamChat(url, key, model, () => {
      if (first && ++started === count) allStarted();
      first = false;
    }).finally(() => {
      pending--;
    });
  });
  await ready;
  return { ends: Promise.all(ends), stillRunning: () => pending };
}

describe.each(dialects)('SIGTERM under streaming load (%s)', (dialect) => {
  let db: Durable;
  let mock: MockProvider;
  let store: Store;

  beforeAll(async () => {
    mock = await startMockOpenAI({ maxRecorded: 0 });
    db = await durableDatabase(dialect);
    store = db.openStore();
  });
  afterAll(async () => {
    await store?.close();
    await mock?.close();
    await db?.drop();
  });

  it('refuses new connections, lets 10 streams finish with [DONE], settles and logs each, exits 0', async () => {
    const s = await serve(db);
    const tenant = await provision(s, db, mock.url, [SLOW, SLOWER]);
    const streams = await openStreams(s.url, tenant.endUserKey, SLOW, STREAMS);
    s.child.kill('SIGTERM');
    for (let i = 0; i < 200 && !s.output().includes('SIGTERM: no new connections'); i++) await sleep(10);

    // Once the signal is handled, a new connection is refused while the streams still run.
    let refused: StreamEnd | null = null;
    for (let i = 0; i < 10 && !refused; i++) {
      const attempt = await streamChat(s.url, tenant.endUserKey, SLOW);
      if (attempt.refused === 'ECONNREFUSED') refused = attempt;
      else await sleep(10);
    }
    expect(refused).toMatchObject({ refused: 'ECONNREFUSED', status: null });
    expect(streams.stillRunning()).toBe(STREAMS);

    const ends = await streams.ends;
    expect(ends.map((e) => ({ done: e.done, chunks: e.chunks }))).toEqual(Array(STREAMS).fill({ done: true, chunks: 30 }));
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.output()).toContain('SIGTERM: no new connections');

    const verify = await cli(db, ['ledger', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    const after = await ledgerOf(store, tenant.platformId);
    expect(after.logs).toHaveLength(STREAMS);
    expect(after.debits).toHaveLength(STREAMS);
    expect(new Set(after.logs.map((l) => l.request_id))).toEqual(new Set(ends.map((e) => e.requestId)));
    for (const l of after.logs) {
      expect(l).toMatchObject({ status: 'success', billing_status: 'billed' });
      expect(after.debits.find((d) => d.request_id === l.request_id)?.amount_micros).toBe(-l.cost_micros);
    }
    expect(after.reservations).toEqual([]);
    expect(after.wallet.reserved_micros).toBe(0);
  }, 60_000);

  it('cuts the streams still running at the grace deadline and settles them as cancelled, billed for what was delivered', async () => {
    const s = await serve(db, { ASSISTIV_SHUTDOWN_GRACE_MS: '500' });
    const tenant = await provision(s, db, mock.url, [SLOW, SLOWER]);
    const platformId = tenant.platformId;
    const streams = await openStreams(s.url, tenant.endUserKey, SLOWER, STREAMS);
    const signalledAt = Date.now();
    s.child.kill('SIGTERM');
    const ends = await streams.ends;
    expect(await s.exited).toEqual({ code: 0, signal: null });
    // Cut at the deadline, long before the 10 s streams would have ended.
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(ends.every((e) => !e.done && e.chunks > 0 && e.chunks < 100)).toBe(true);

    const verify = await cli(db, ['ledger', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    const after = await ledgerOf(store, platformId);
    const cut = after.logs.filter((l) => ends.some((e) => e.requestId === l.request_id));
    expect(after.logs).toHaveLength(STREAMS);
    expect(cut).toHaveLength(STREAMS);
    for (const l of cut) {
      expect(l).toMatchObject({ status: 'cancelled', billing_status: 'billed' });
      // Billed for what was generated until the cut: more than the prompt, less than the whole answer.
      expect(l.completion_tokens).toBeGreaterThan(0);
      expect(l.completion_tokens).toBeLessThan(100);
      expect(after.debits.find((d) => d.request_id === l.request_id)?.amount_micros).toBe(-l.cost_micros);
    }
    // Settled by this process, not left to a sweeper: no reservation row remains.
    expect(after.reservations).toEqual([]);
    expect(after.wallet.reserved_micros).toBe(0);
  }, 60_000);
});
