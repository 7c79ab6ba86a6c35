/**
 * Background jobs (issue 15): periodic work that must run on one instance of the deployment at a time, and
 * what each job did on this instance, for /metrics.
 *
 * PostgreSQL: the instance that runs a scheduled job (the reservation sweeper, retention) is the one holding
 * the job's session advisory lock, taken on a connection of its own (never a pool connection: the pool
 * recycles idle connections and would drop the lock, and a held-forever pool slot would shrink the pool). The
 * holder keeps the lock from tick to tick, so one instance runs the job and every other instance's tick skips
 * it. The server drops the lock with the session when the holder stops (it unlocks first), dies (kill -9: the
 * kernel closes its socket, so at once) or its host vanishes (TCP keepalives set on the session: ~25 s); the
 * next tick of another instance then takes it over. The holder checks its session with one round trip before
 * each run, so it stops running the job as soon as it lost the lock. Every job is idempotent (a release, a
 * delete), so the one overlap left — a holder cut off from the database that has not noticed yet — is harmless.
 * The webhook delivery worker locks per tick instead (see webhooks/worker-lock.ts), on the same session, and
 * reports here too. Everything session-scoped goes through this one direct connection (DATABASE_DIRECT_URL when
 * set), so the pool may sit behind a transaction pooler.
 *
 * SQLite: one process serves the database (the billing owner lock), so it runs every job.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import type { Store } from './database.js';
import { withDeploymentLock } from './deployment-lock.js';

export type BackgroundJobName = 'reservation_sweeper' | 'webhook_delivery' | 'retention';

export type BackgroundJobStats = {
  /** Ticks this instance ran the job to the end. */
  runs: number;
  /** Ticks where the job threw, or its lock could not be asked for (database unreachable); the schedule goes on. */
  failures: number;
  /** Ticks skipped because another instance held the job's lock. */
  skipped: number;
  /** Wall-clock ms when the last successful run here ended; null before the first. */
  lastRunAt: number | null;
  /** Wall-clock ms of the last failure here; null if none. */
  lastFailureAt: number | null;
  /** How long the last run here took (ms); null before the first. */
  lastDurationMs: number | null;
  /** This instance runs the job now (holds its lock; for a per-tick job: ran it at its last tick). */
  leader: boolean;
};

export type ScheduledJob = {
  name: BackgroundJobName;
  /** An arbitrary constant naming the job among advisory locks (unique per job). */
  lockKey: number;
  intervalMs: number;
  /** The first tick comes at once (the default), or only after one interval. */
  firstTick?: 'now' | 'after-interval';
  run(): Promise<unknown>;
};

/** TCP keepalives on the lock session: the server drops a vanished holder's lock after ~idle + interval × count. */
const KEEPALIVE_SQL = 'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3';
/** A lock session query slower than this counts as a lost session (the connection is closed, the lock dropped). */
const LOCK_QUERY_TIMEOUT_MS = 5_000;

/** This process, as it appears in /metrics and in pg_stat_activity.application_name of its lock session. */
export const instanceId = `${hostname()}:${process.pid}`;

export class BackgroundJobs {
  private readonly stats = new Map<BackgroundJobName, BackgroundJobStats>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly locks: LockSession | null;
  private stopped = false;

  constructor(private readonly opts: { store: Store; databaseUrl?: string; onError(job: BackgroundJobName, err: unknown): void }) {
    this.locks = opts.store.dialect === 'postgres' && opts.databaseUrl ? new LockSession(opts.databaseUrl) : null;
  }

  /** Runs `job` now (or after one interval) and every intervalMs on whichever instance holds its lock (timers unref'd). */
  schedule(job: ScheduledJob): void {
    if (this.stopped) return;
    this.entry(job.name);
    let busy = false;
    const tick = () => {
      // A run longer than the interval is not overlapped by the next tick.
      if (busy || this.stopped) return;
      busy = true;
      const done = this.tick(job).finally(() => {
        busy = false;
        this.running.delete(done);
      });
      this.running.add(done);
    };
    if (job.firstTick !== 'after-interval') tick();
    const timer = setInterval(tick, job.intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops scheduling, waits for runs in progress, then unlocks every held job and closes the lock session. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await Promise.all([...this.running]);
    await this.locks?.close();
    for (const s of this.stats.values()) s.leader = false;
  }

  /** Per-tick locking for a job that takes its own lock each tick (the webhook worker): counted like a tick. */
  async withTickLock<T>(name: BackgroundJobName, lockKey: number, fn: () => Promise<T>): Promise<T | null> {
    const s = this.entry(name);
    const started = Date.now();
    let ran = false;
    let result: T | null;
    const run = () => {
      ran = true;
      return fn();
    };
    try {
      // On PostgreSQL through the lock session (a direct connection), so a transaction pooler in front of the pool cannot split it.
      result = this.locks ? await this.locks.forOneRun(lockKey, run) : await withDeploymentLock(this.opts.store, lockKey, run);
    } catch (err) {
      // The job threw, or the lock could not be asked for (database unreachable).
      s.leader = ran;
      this.failed(s);
      throw err;
    }
    s.leader = ran;
    if (ran) this.ran(s, started);
    else s.skipped++;
    return result;
  }

  snapshot(): Array<[BackgroundJobName, BackgroundJobStats]> {
    return [...this.stats].map(([job, s]) => [job, { ...s }]);
  }

  private async tick(job: ScheduledJob): Promise<void> {
    const s = this.entry(job.name);
    let mine = true;
    if (this.locks) {
      try {
        mine = await this.locks.hold(job.lockKey);
      } catch (err) {
        // The database is unreachable: a failed tick, not a skip (nobody may be running the job).
        s.leader = false;
        this.failed(s);
        this.opts.onError(job.name, err);
        return;
      }
    }
    s.leader = mine;
    if (!mine || this.stopped) {
      if (!mine) s.skipped++;
      return;
    }
    const started = Date.now();
    try {
      await job.run();
      this.ran(s, started);
    } catch (err) {
      this.failed(s);
      this.opts.onError(job.name, err);
    }
  }

  private ran(s: BackgroundJobStats, started: number): void {
    s.runs++;
    s.lastRunAt = Date.now();
    s.lastDurationMs = s.lastRunAt - started;
  }

  private failed(s: BackgroundJobStats): void {
    s.failures++;
    s.lastFailureAt = Date.now();
  }

  private entry(job: BackgroundJobName): BackgroundJobStats {
    let s = this.stats.get(job);
    if (!s) {
      s = { runs: 0, failures: 0, skipped: 0, lastRunAt: null, lastFailureAt: null, lastDurationMs: null, leader: false };
      this.stats.set(job, s);
    }
    return s;
  }
}

/**
 * One PostgreSQL session of this instance holding the advisory locks of the jobs it runs. Opened on first use
 * and again after it was lost; a lost session (error, close, slow answer) forgets every lock at once.
 */
class LockSession {
  private client: pg.Client | null = null;
  private opening: Promise<pg.Client> | null = null;
  private readonly held = new Set<number>();

  constructor(private readonly url: string) {}

  /** True when this session holds `key` now, taking it if it is free; false when another instance holds it. */
  async hold(key: number): Promise<boolean> {
    const client = await this.session();
    try {
      if (this.held.has(key)) {
        // Still ours only while the session lives: one round trip proves it.
        await client.query('select 1');
        return true;
      }
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
      if (rows[0]?.locked) this.held.add(key);
      return this.held.has(key);
    } catch (err) {
      this.lose(client);
      throw err;
    }
  }

  /** Runs `fn` holding `key` for this run only (unlocked after it); null, without running it, when another instance holds it. */
  async forOneRun<T>(key: number, fn: () => Promise<T>): Promise<T | null> {
    const client = await this.session();
    let locked: boolean;
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
      locked = rows[0]?.locked === true;
    } catch (err) {
      this.lose(client);
      throw err;
    }
    if (!locked) return null;
    try {
      return await fn();
    } finally {
      // A failed unlock means a lost session: the server dropped the lock with it.
      await client.query('select pg_advisory_unlock($1)', [key]).catch(() => this.lose(client));
    }
  }

  /** Unlocks what it holds (so another instance's next tick takes over without waiting) and closes. */
  async close(): Promise<void> {
    const client = this.client ?? (await this.opening?.catch(() => null)) ?? null;
    if (!client) return;
    this.client = null;
    try {
      if (this.held.size > 0) await client.query('select pg_advisory_unlock_all()');
    } catch {
      // The session is gone: the server dropped its locks with it.
    }
    this.held.clear();
    await client.end().catch(() => undefined);
  }

  /** The open session, opening it on first use and again after it was lost. */
  private async session(): Promise<pg.Client> {
    if (!this.client && !this.opening) {
      this.opening = this.open().finally(() => {
        this.opening = null;
      });
    }
    const client = this.client ?? (await this.opening);
    if (!client) throw new Error('the lock session closed while opening');
    return client;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `assistiv-jobs ${instanceId}`.slice(0, 63),
      keepAlive: true,
      query_timeout: LOCK_QUERY_TIMEOUT_MS,
      connectionTimeoutMillis: LOCK_QUERY_TIMEOUT_MS,
    });
    // An idle session the server closes (restart, failover, a forced DROP DATABASE) must not crash the process.
    client.on('error', () => this.lose(client));
    client.on('end', () => this.lose(client));
    try {
      await client.connect();
      await client.query(KEEPALIVE_SQL);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private lose(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.held.clear();
    // Closing our side makes sure the server ends the session (and its locks) rather than keeping it.
    void client.end().catch(() => undefined);
  }
}
