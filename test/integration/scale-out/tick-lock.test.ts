/**
 * The webhook worker's per-tick lock (BackgroundJobs.withTickLock) goes through the instance's lock session on
 * PostgreSQL and is released after every run, also when the run throws: otherwise no other instance could ever
 * deliver again. A second instance's tick meanwhile is skipped, and takes the lock once it is free.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundJobs } from '../../../src/store/background-jobs.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';

// A key of this test's own: the gateway's own webhook worker takes the real one (727150913) every second.
const KEY = 727_150_999;

describe.skipIf(!postgresUrl)('per-tick job lock on PostgreSQL', () => {
  let gw: TestGateway;
  let a: BackgroundJobs;
  let b: BackgroundJobs;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'postgres' });
    const opts = { store: gw.ctx.store, databaseUrl: gw.ctx.config.databaseDirectUrl, onError: () => undefined };
    a = new BackgroundJobs(opts);
    b = new BackgroundJobs(opts);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await gw?.close();
  });

  const holders = async () =>
    (
      await sql<{ pid: number }>`select l.pid from pg_locks l join pg_database d on d.oid = l.database
        where l.locktype = 'advisory' and l.granted and l.objid = ${KEY} and d.datname = current_database()`.execute(gw.ctx.store.db)
    ).rows.length;

  it('is held during the run on the lock session, refused to another instance, and released when the run throws', async () => {
    let seenInside = -1;
    let otherInstance: string | null = 'not asked';
    const failed = a.withTickLock('webhook_delivery', KEY, async () => {
      seenInside = await holders();
      otherInstance = await b.withTickLock('webhook_delivery', KEY, async () => 'ran');
      throw new Error('the run failed');
    });
    await expect(failed).rejects.toThrow('the run failed');
    expect(seenInside).toBe(1);
    expect(otherInstance).toBeNull();
    expect(await holders()).toBe(0);
    expect(await b.withTickLock('webhook_delivery', KEY, async () => 'ran')).toBe('ran');
    expect(await holders()).toBe(0);
    const [, statsA] = a.snapshot().find(([job]) => job === 'webhook_delivery')!;
    const [, statsB] = b.snapshot().find(([job]) => job === 'webhook_delivery')!;
    expect(statsA).toMatchObject({ failures: 1, runs: 0 });
    expect(statsB).toMatchObject({ skipped: 1, runs: 1, failures: 0 });
  });
});
