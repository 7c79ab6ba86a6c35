/**
 * PostgreSQL write load per call, for docs/scaling.md: the database's own counters (pg_stat_database:
 * committed transactions, rows inserted, updated, deleted), read before and after a gateway process
 * (`assistiv serve`, as operators run it) served N calls, minus the same process started and stopped with
 * no call. A process flushes its backends' counters when it stops (its pool's connections end), so each
 * measurement is one whole process lifetime. Asserts the bounds docs/scaling.md states and prints the figures.
 */

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { postgresUrl } from '../../helpers/suites.js';
import { type MockProvider, startMockOpenAI } from '../../mocks/index.js';
import { cli, type Durable, durableDatabase, provision, type Served, serve, streamChat, type Tenant } from '../crash/spawned-gateway.js';

const N = 50;
const MODEL = 'pg-load-echo';

type Counters = { xact: number; ins: number; upd: number; del: number };

async function counters(dbName: string): Promise<Counters> {
  // Read from another database on the server: these reads do not count against the one measured.
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT xact_commit, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = $1', [
      dbName,
    ]);
    const row = r.rows[0];
    return { xact: Number(row.xact_commit), ins: Number(row.tup_inserted), upd: Number(row.tup_updated), del: Number(row.tup_deleted) };
  } finally {
    await c.end();
  }
}

const minus = (a: Counters, b: Counters): Counters => ({
  xact: a.xact - b.xact,
  ins: a.ins - b.ins,
  upd: a.upd - b.upd,
  del: a.del - b.del,
});

describe.skipIf(!postgresUrl)('PostgreSQL write load per call (pg_stat_database)', () => {
  let db: Durable;
  let mock: MockProvider;
  let tenant: Tenant;
  let dbName: string;

  /** Counters spent by one process lifetime that runs `work`. */
  async function lifetime(work: (s: Served) => Promise<void>): Promise<Counters> {
    const before = await counters(dbName);
    const s = await serve(db);
    await work(s);
    // The signal handler is installed just after the "listening" line: do not race it.
    await new Promise((r) => setTimeout(r, 200));
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    await new Promise((r) => setTimeout(r, 800)); // exited backends' counters reach the stats system
    return minus(await counters(dbName), before);
  }

  beforeAll(async () => {
    mock = await startMockOpenAI({ maxRecorded: 0 });
    // No sweep during the measurement: it would add its own transactions.
    db = await durableDatabase('postgres', { ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS: '3600000' });
    dbName = new URL(db.env.DATABASE_URL).pathname.slice(1);
    expect((await cli(db, ['migrate'])).code).toBe(0);
    await lifetime(async (s) => {
      tenant = await provision(s, db, mock.url, [MODEL]);
    });
  }, 60_000);
  afterAll(async () => {
    await mock?.close();
    await db?.drop();
  });

  it(`${N} calls one at a time, then ${N} with 32 at once: transactions and rows per call`, async () => {
    const idle = await lifetime(async () => undefined);
    const chat = (s: Served) =>
      client(s.url, tenant.endUserKey).post('/v1/chat/completions', {
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      });
    const sequential = minus(
      await lifetime(async (s) => {
        for (let i = 0; i < N; i++) expect((await chat(s)).status).toBe(200);
      }),
      idle,
    );
    const streamed = minus(
      await lifetime(async (s) => {
        for (let i = 0; i < N; i++) expect((await streamChat(s.url, tenant.endUserKey, MODEL)).done).toBe(true);
      }),
      idle,
    );
    const concurrent = minus(
      await lifetime(async (s) => {
        const queue = Array.from({ length: N }, (_, i) => i);
        const worker = async () => {
          while (queue.shift() !== undefined) expect((await chat(s)).status).toBe(200);
        };
        await Promise.all(Array.from({ length: 32 }, worker));
      }),
      idle,
    );
    const per = (c: Counters) => ({
      transactions: +(c.xact / N).toFixed(2),
      inserted: +(c.ins / N).toFixed(2),
      updated: +(c.upd / N).toFixed(2),
      deleted: +(c.del / N).toFixed(2),
    });
    const figures = {
      idleProcess: idle,
      perCallSequential: per(sequential),
      perCallStreaming: per(streamed),
      perCallConcurrent32: per(concurrent),
    };
    process.stdout.write(`[pg-write-load] ${JSON.stringify(figures)}\n`);
    // docs/scaling.md: a call alone costs two commits (reserve; settle with its log row) plus the cache reloads
    // (one per cache per 1 s TTL: more per call the slower the machine); the rows are the reservation, the two
    // debits and the log row, and the balances updated.
    // The lower bound is loose: background work that commits per second (the webhook worker's poll, cache
    // reloads) is removed by subtracting an idle process's lifetime, which only approximates this one's.
    expect(per(sequential).transactions).toBeGreaterThanOrEqual(1.5);
    expect(per(sequential).transactions).toBeLessThan(4);
    expect(per(sequential).inserted).toBeGreaterThanOrEqual(3);
    // Under concurrency the batcher groups reserves and settles of one wallet: fewer commits per call.
    expect(per(concurrent).transactions).toBeLessThan(per(sequential).transactions);
  }, 120_000);
});
