/**
 * Single-runner background jobs across processes (issue 15): two `assistiv serve` processes on one PostgreSQL
 * database. Exactly one runs the reservation sweeper and the retention job (its /metrics says leader 1, the
 * other's 0 and counts skips; pg_locks names its lock session, application_name `assistiv-jobs host:pid`).
 * kill -9 of that process: the survivor runs both jobs within about one interval (the server drops a dead
 * session's locks as soon as its socket closes). SIGTERM of the survivor: it unlocks before it exits.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../../helpers/suites.js';
import { type Durable, durableDatabase, type Served, serve } from '../crash/spawned-gateway.js';

const SWEEP_INTERVAL_MS = 200;
const RETENTION_INTERVAL_MS = 1_000;
const JOBS = { reservation_sweeper: 727_150_914, retention: 727_150_915 } as const;
type Job = keyof typeof JOBS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Scrape = { instanceId: string; leader: Record<Job, number>; runs: Record<Job, number>; skipped: Record<Job, number> };

async function scrape(s: Served): Promise<Scrape> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const value = (name: string, job: string) => {
    const m = text.match(new RegExp(`^${name}\\{job="${job}"\\} (\\S+)$`, 'm'));
    if (!m) throw new Error(`${name}{job="${job}"} missing from /metrics`);
    return Number(m[1]);
  };
  const per = (name: string) => Object.fromEntries(Object.keys(JOBS).map((j) => [j, value(name, j)])) as Record<Job, number>;
  return {
    instanceId: text.match(/^assistiv_instance_info\{instance_id="([^"]+)"\} 1$/m)?.[1] ?? '',
    leader: per('assistiv_background_job_leader'),
    runs: per('assistiv_background_job_runs_total'),
    skipped: per('assistiv_background_job_skipped_total'),
  };
}

/** Who holds each job's advisory lock in the database, by the lock session's application_name. */
async function lockHolders(db: Durable): Promise<Record<Job, string[]>> {
  const c = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ objid: number; application_name: string }>(
      `SELECT l.objid::int AS objid, a.application_name FROM pg_locks l
         JOIN pg_stat_activity a ON a.pid = l.pid JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
    );
    const holders = (job: Job) => rows.filter((r) => Number(r.objid) === JOBS[job]).map((r) => r.application_name);
    return { reservation_sweeper: holders('reservation_sweeper'), retention: holders('retention') };
  } finally {
    await c.end();
  }
}

describe.skipIf(!postgresUrl)('background jobs hand over when their process dies (PostgreSQL; set ASSISTIV_TEST_DATABASE_URL)', () => {
  let db: Durable;
  let first: Served;
  let second: Served;

  beforeAll(async () => {
    db = await durableDatabase('postgres', {
      ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
      ASSISTIV_RETENTION_INTERVAL_MS: String(RETENTION_INTERVAL_MS),
    });
    // One after the other: the first takes both jobs at its start.
    first = await serve(db);
    second = await serve(db);
  }, 60_000);
  afterAll(async () => {
    for (const s of [first, second]) if (s && s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await db?.drop();
  });

  it('one process runs each job, the other skips it; /metrics and pg_locks agree on which', async () => {
    // Retention's first run comes one interval after start.
    for (const t0 = Date.now(); Date.now() - t0 < 10_000; await sleep(50)) {
      const [m, o] = [await scrape(first), await scrape(second)];
      if (m.runs.retention > 0 && o.skipped.retention > 0 && m.runs.reservation_sweeper > 2 && o.skipped.reservation_sweeper > 0) break;
    }
    const [f, s] = [await scrape(first), await scrape(second)];
    expect(f.instanceId).toMatch(/:\d+$/);
    expect(f.instanceId).not.toBe(s.instanceId);
    for (const job of Object.keys(JOBS) as Job[]) {
      expect([f.leader[job], s.leader[job]], job).toEqual([1, 0]);
      expect(f.runs[job], job).toBeGreaterThan(0);
      expect(s.runs[job], job).toBe(0);
      expect(s.skipped[job], job).toBeGreaterThan(0);
    }
    const holders = await lockHolders(db);
    expect(holders).toEqual({ reservation_sweeper: [`assistiv-jobs ${f.instanceId}`], retention: [`assistiv-jobs ${f.instanceId}`] });
  });

  it('kill -9 of the running process: the survivor runs both jobs within about one interval of each', async () => {
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const took: Partial<Record<Job, number>> = {};
    while (Object.keys(took).length < 2 && Date.now() - killedAt < 10_000) {
      const m = await scrape(second);
      for (const job of Object.keys(JOBS) as Job[]) if (m.leader[job] === 1 && took[job] === undefined) took[job] = Date.now() - killedAt;
      await sleep(10);
    }
    console.info(`[job-handover] after kill -9: sweeper taken over in ${took.reservation_sweeper} ms, retention in ${took.retention} ms`);
    // One interval for the survivor's next tick, plus scheduling slack on a loaded machine.
    expect(took.reservation_sweeper).toBeLessThan(SWEEP_INTERVAL_MS + 1_500);
    expect(took.retention).toBeLessThan(RETENTION_INTERVAL_MS + 1_500);
    const s = await scrape(second);
    expect((await lockHolders(db)).reservation_sweeper).toEqual([`assistiv-jobs ${s.instanceId}`]);
    const runs = s.runs.reservation_sweeper;
    await sleep(4 * SWEEP_INTERVAL_MS);
    expect((await scrape(second)).runs.reservation_sweeper).toBeGreaterThan(runs);
  });

  it('SIGTERM: the process unlocks its jobs before it exits', async () => {
    expect((await lockHolders(db)).retention).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(await lockHolders(db)).toEqual({ reservation_sweeper: [], retention: [] });
  });
});
