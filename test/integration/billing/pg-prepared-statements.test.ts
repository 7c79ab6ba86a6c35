/**
 * DATABASE_PREPARED_STATEMENTS: on PostgreSQL the money function's calls go as named prepared statements (each
 * server session parses and plans them once), unless turned off for PgBouncer in transaction mode before 1.21.
 * Seen from the pg driver (what the gateway sends) and from the server (what its sessions have prepared).
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { endUser, fundedPlatform, plainLogRow, reserveRequest } from './fixtures.js';

/** Runs reserve + settle pairs and returns the names of the statements the pg driver was asked to prepare. */
async function billedCalls(gw: TestGateway, n: number): Promise<string[]> {
  const p = await fundedPlatform(gw, { walletUsd: 1 });
  const u = await endUser(p, 'prepared', { max_usd: 1 });
  const query = vi.spyOn(pg.Client.prototype, 'query');
  // The first argument pg's query() got: a named statement is a config object with a `name`.
  const names = () =>
    query.mock.calls.flatMap(([config]: unknown[]) => {
      const name = typeof config === 'object' && config !== null ? (config as { name?: unknown }).name : undefined;
      return name === undefined ? [] : [String(name)];
    });
  try {
    for (let i = 0; i < n; i++) {
      const res = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
      if (!res.ok) throw new Error(res.message);
      const logRow = plainLogRow(res.reservation.requestId, p.platformId, u.endUserId, new Date().toISOString());
      expect(await gw.ctx.billing.settle(res.reservation, { costMicros: 1_000, description: 'prepared', logRow })).toMatchObject({
        status: 'settled',
      });
    }
    return names();
  } finally {
    query.mockRestore();
  }
}

describe.skipIf(!postgresUrl)('PostgreSQL: the money function as named prepared statements', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('sends the reserve and the settle as two named statements, prepared by the sessions that ran them; billing is exact', async () => {
    gw = await startTestGateway({ dialect: 'postgres' });
    expect(gw.ctx.config.databasePreparedStatements).toBe(true);
    const names = await billedCalls(gw, 10);
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name).toMatch(/^assistiv_billing_[0-9a-f]{16}$/);
    // The pool hands back the session it used last: it holds both statements, with the function's call as their text.
    const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(
      gw.ctx.store.db,
    );
    expect(prepared.rows.map((r) => r.name).sort()).toEqual([...new Set(names)].sort());
    for (const row of prepared.rows) expect(row.statement.startsWith('SELECT * FROM assistiv_billing(')).toBe(true);
    const balance = await sql<{ b: number }>`select balance_micros as b from wallets where balance_micros < 1000000`.execute(
      gw.ctx.store.db,
    );
    expect(balance.rows).toEqual([{ b: 1_000_000 - 10 * 1_000 }]);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('DATABASE_PREPARED_STATEMENTS=off sends every statement unnamed (PgBouncer in transaction mode before 1.21)', async () => {
    gw = await startTestGateway({ dialect: 'postgres', env: { DATABASE_PREPARED_STATEMENTS: 'off' } });
    expect(await billedCalls(gw, 3)).toEqual([]);
    const prepared = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(gw.ctx.store.db);
    expect(prepared.rows).toEqual([{ n: 0 }]);
  });
});
