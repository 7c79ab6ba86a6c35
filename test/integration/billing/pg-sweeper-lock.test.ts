/**
 * One reservation sweeper per deployment (issue 15): two gateways on one PostgreSQL database both tick the
 * sweeper, but only the instance holding the sweeper's advisory lock sweeps; the other's ticks are skipped, as
 * /metrics shows. A dead process's expired reservations are released exactly once. When the holder's lock
 * session is cut by the server, it stops sweeping (without crashing) and the other takes over; when the holder
 * stops, it unlocks and the other takes over within about one interval. (kill -9 of a whole process:
 * test/integration/scale-out/job-handover.test.ts.)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { balances, endUser, fundedPlatform, manualClock } from './fixtures.js';

const INTERVAL_MS = 100; // the smallest the config allows
const JOB = 'reservation_sweeper';
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

type JobMetrics = { runs: number; skipped: number; leader: number; lastRun: number; failures: number };

async function jobMetrics(gw: TestGateway, job = JOB): Promise<JobMetrics> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const read = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{job="${job}"}`));
    if (!line) throw new Error(`${name}{job="${job}"} missing from /metrics`);
    return Number(line.split(' ').pop());
  };
  return {
    runs: read('assistiv_background_job_runs_total'),
    skipped: read('assistiv_background_job_skipped_total'),
    leader: read('assistiv_background_job_leader'),
    lastRun: read('assistiv_background_job_last_run_timestamp_seconds'),
    failures: read('assistiv_background_job_failures_total'),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SWEEPER_LOCK_KEY = 727_150_914;

/** The sessions holding the sweeper's advisory lock in gw's database: counted, or terminated (as a failover or an admin would). */
async function lockSessions(gw: TestGateway, what: 'count' | 'terminate'): Promise<number> {
  const c = new pg.Client({ connectionString: gw.ctx.config.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND d.datname = current_database()`,
      [SWEEPER_LOCK_KEY],
    );
    if (what === 'terminate') for (const r of rows) await c.query('SELECT pg_terminate_backend($1)', [r.pid]);
    return rows.length;
  } finally {
    await c.end();
  }
}

/** A process that reserves `count` holds and is killed with SIGKILL before settling them. */
function reserveAndDie(gw: TestGateway, platformId: string, endUserId: string, count: number): Promise<void> {
  const c = gw.ctx.config;
  const env = {
    ...process.env,
    ASSISTIV_DATA_DIR: c.dataDir,
    ASSISTIV_ADMIN_KEY: gw.adminKey,
    LOG_LEVEL: 'silent',
    DATABASE_URL: c.databaseUrl,
    ASSISTIV_ENCRYPTION_KEY: c.encryptionKey,
  };
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, platformId, endUserId, String(count)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.on('error', reject);
    proc.stderr.on('data', (d) => {
      err += d;
    });
    proc.stdout.on('data', (d) => {
      if (String(d).includes('reserved')) proc.kill('SIGKILL');
    });
    proc.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe.skipIf(!postgresUrl)('PostgreSQL: one reservation sweeper per deployment (set ASSISTIV_TEST_DATABASE_URL to run)', () => {
  // `owner` creates (and on close drops) the database; its sweeper is stopped at once, so the two instances
  // under test take turns and either may be closed on its own.
  let owner: TestGateway;
  let a: TestGateway;
  let b: TestGateway;
  let closed: TestGateway | null = null;
  const clock = manualClock(new Date().toISOString());
  const env = { ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS: String(INTERVAL_MS) };

  beforeAll(async () => {
    owner = await startTestGateway({ dialect: 'postgres', clock, env });
    await owner.ctx.jobs.stop(); // stops its sweeper and retention and unlocks them
    a = await startTestGateway({ sameDatabaseAs: owner, clock, env });
    b = await startTestGateway({ sameDatabaseAs: owner, clock, env });
  });
  afterAll(async () => {
    if (closed !== b) await b?.close();
    if (closed !== a) await a?.close();
    await owner?.close();
  });

  let holder: TestGateway;
  let other: TestGateway;

  it('over several intervals only one instance sweeps; the other skips every tick', async () => {
    await sleep(2 * INTERVAL_MS);
    const [ma0, mb0] = [await jobMetrics(a), await jobMetrics(b)];
    [holder, other] = ma0.runs > 0 ? [a, b] : [b, a];
    const h0 = await jobMetrics(holder);
    const o0 = await jobMetrics(other);
    expect(ma0.runs > 0 !== mb0.runs > 0).toBe(true); // exactly one has ever run
    // Until each has ticked 5 more times (counted, not timed: a loaded machine delays timers), then compare.
    let [h1, o1] = [h0, o0];
    for (const t0 = Date.now(); Date.now() - t0 < 15_000; ) {
      await sleep(INTERVAL_MS);
      [h1, o1] = [await jobMetrics(holder), await jobMetrics(other)];
      if (h1.runs - h0.runs >= 5 && o1.skipped - o0.skipped >= 5) break;
    }
    expect(h1.runs - h0.runs).toBeGreaterThanOrEqual(5);
    expect(h1.skipped).toBe(0);
    expect(h1.leader).toBe(1);
    expect(h1.failures).toBe(0);
    expect(h1.lastRun).toBeGreaterThan(Date.now() / 1000 - 5);
    expect(o1.runs).toBe(0);
    expect(o1.skipped - o0.skipped).toBeGreaterThanOrEqual(5);
    expect(o1.leader).toBe(0);
    expect(o1.lastRun).toBe(0);
    // The webhook delivery worker is listed too.
    expect((await jobMetrics(a, 'webhook_delivery')).runs + (await jobMetrics(b, 'webhook_delivery')).runs).toBeGreaterThan(0);
  });

  it("a dead process's expired reservations are released exactly once, by the holder", async () => {
    const p = await fundedPlatform(a, { walletUsd: 1 });
    const u = await endUser(p, 'dead-instance', { max_usd: 1 });
    await reserveAndDie(a, p.platformId, u.endUserId, 5);
    expect((await balances(a, p.platformId, u.endUserId)).wallet.reserved_micros).toBe(5 * 10_250);

    clock.set(new Date(Date.now() + a.ctx.config.reservationTtlMs + 60_000).toISOString());
    for (let i = 0; i < 100; i++) {
      if ((await a.ctx.store.db.selectFrom('reservations').select('request_id').execute()).length === 0) break;
      await sleep(INTERVAL_MS);
    }
    const bal = await balances(a, p.platformId, u.endUserId);
    expect(bal.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: 0 });
    expect(bal.budget).toMatchObject({ used_micros: 0, reserved_micros: 0 });
    expect(await verifyLedger(a.ctx.store)).toMatchObject({ ok: true, checked: { openReservations: 0 } });
    expect((await jobMetrics(other)).runs).toBe(0);
  });

  it("the server cutting the holder's lock session: no crash, and within a few intervals exactly one instance sweeps again", async () => {
    expect(await lockSessions(holder, 'terminate')).toBe(1);
    const cut = Date.now();
    // Whichever instance ticks first takes the free lock (the old holder opens a new session): one leads again.
    // A leader flag is as old as its instance's last tick: the old holder's stays 1 until it ticks again, so
    // the flags are read only after both instances ticked since a session took the lock.
    const ticks = (m: JobMetrics) => m.runs + m.skipped + m.failures;
    let leaders: JobMetrics[] = [];
    while (Date.now() - cut < 5_000) {
      await sleep(20);
      if ((await lockSessions(a, 'count')) !== 1) continue;
      const taken = [await jobMetrics(a), await jobMetrics(b)];
      let now = taken;
      while (Date.now() - cut < 5_000 && now.some((m, i) => ticks(m) <= ticks(taken[i]))) {
        await sleep(20);
        now = [await jobMetrics(a), await jobMetrics(b)];
      }
      leaders = now.filter((m) => m.leader === 1);
      if (leaders.length === 1 && (await lockSessions(a, 'count')) === 1) break;
    }
    expect(leaders).toHaveLength(1);
    expect(await lockSessions(a, 'count')).toBe(1);
    [holder, other] = (await jobMetrics(a)).leader === 1 ? [a, b] : [b, a];
    // The one that does not hold the lock does not sweep: its runs stand still over several intervals.
    const o0 = await jobMetrics(other);
    const h0 = await jobMetrics(holder);
    await sleep(5 * INTERVAL_MS);
    const [o1, h1] = [await jobMetrics(other), await jobMetrics(holder)];
    expect(o1.runs).toBe(o0.runs);
    expect(h1.runs).toBeGreaterThan(h0.runs);
    for (const gw of [a, b]) expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it('closing the holder unlocks: the other instance takes the sweeper over within about one interval', async () => {
    expect(await lockSessions(holder, 'count')).toBe(1);
    // The holder unlocks part-way through its close (after draining requests and the webhook worker): the other
    // instance may lead before close() returns, and at the latest at its first tick after.
    await holder.close();
    closed = holder;
    const closedAt = Date.now();
    let o1 = await jobMetrics(other);
    while (o1.leader !== 1 && Date.now() - closedAt < 5_000) {
      await sleep(10);
      o1 = await jobMetrics(other);
    }
    expect(o1.leader).toBe(1);
    // Within one tick of the other (plus a loaded machine's scheduling slack).
    expect(Date.now() - closedAt).toBeLessThan(INTERVAL_MS + 1_000);
    expect(await lockSessions(other, 'count')).toBe(1);
  });
});
