/**
 * DATABASE_DIRECT_URL (PgBouncer in transaction mode in front of DATABASE_URL): the sessions that must stay on
 * one server connection — the background jobs' lock session and the webhook listening session — open on it,
 * and nothing else does. Pointed at a closed port here, so they cannot open: the jobs count failures and the
 * database sees neither session, while the pool (DATABASE_URL) keeps serving.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { eventually } from '../webhooks/receiver.js';

describe.skipIf(!postgresUrl)('DATABASE_DIRECT_URL carries the session-scoped connections', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      dialect: 'postgres',
      env: { DATABASE_DIRECT_URL: 'postgres://nobody:secretpw@127.0.0.1:1/nowhere', ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS: '100' },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('opens the lock and LISTEN sessions on it, not on DATABASE_URL; the pool still serves', async () => {
    expect(gw.ctx.config.databaseDirectUrl).toBe('postgres://nobody:secretpw@127.0.0.1:1/nowhere');
    const failures = await eventually(async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('assistiv_background_job_failures_total{job="reservation_sweeper"}'));
      const n = Number(line?.split(' ').pop() ?? 0);
      return n >= 2 && n;
    });
    expect(failures).toBeGreaterThanOrEqual(2);
    const sessions = await sql<{ application_name: string }>`select application_name from pg_stat_activity
      where datname = current_database() and application_name like 'assistiv-%'`.execute(gw.ctx.store.db);
    expect(sessions.rows).toEqual([]);
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Pooled');
    const wallet = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`);
    expect(wallet.status).toBe(200);
    expect(wallet.body.data.balance).toBe(0);
  });
});
