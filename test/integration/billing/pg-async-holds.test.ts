/**
 * On PostgreSQL a call that only places holds commits without waiting for the WAL flush (a hold lost in a
 * database crash only frees money), while anything that posts money (a settle, alone or batched with holds)
 * commits with the server's own durability. Deferred triggers record, at commit time, where the transaction's
 * synchronous_commit came from: `session` is the engine's transaction-local `off`, anything else is the
 * server's or database's default.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { endUser, fundedPlatform, recordBillingCalls, reserveRequest } from './fixtures.js';

describe.skipIf(!postgresUrl)('PostgreSQL billing: holds commit asynchronously, money durably', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'postgres' });
    const db = gw.ctx.store.db;
    await sql`CREATE TABLE commit_modes (tbl text NOT NULL, request_id text, mode text NOT NULL)`.execute(db);
    await sql`CREATE FUNCTION record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO commit_modes
        SELECT TG_TABLE_NAME, NEW.request_id, source || ':' || setting FROM pg_settings WHERE name = 'synchronous_commit';
        RETURN NULL;
      END $$`.execute(db);
    for (const table of ['reservations', 'wallet_transactions'])
      await sql`CREATE CONSTRAINT TRIGGER record_commit_mode AFTER INSERT ON ${sql.table(table)}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION record_commit_mode()`.execute(db);
  });
  afterAll(() => gw?.close());

  const modes = async (requestId: string) =>
    (
      await sql<{ tbl: string; mode: string }>`SELECT tbl, mode FROM commit_modes WHERE request_id = ${requestId} ORDER BY tbl`.execute(
        gw.ctx.store.db,
      )
    ).rows;

  it('a reserve alone commits with synchronous_commit off; its settle with the server default', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 10 });
    const u = await endUser(p, 'async-hold', { max_usd: 5 });
    const req = reserveRequest(p.platformId, u.endUserId);
    const recorder = recordBillingCalls(gw);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    await gw.ctx.billing.settle(res.reservation, { costMicros: 1234, description: 'async hold' });
    recorder.stop();
    expect(recorder.calls.map((c) => c.kinds)).toEqual([['r'], ['s']]);

    const [reservation, debit] = await modes(req.requestId);
    expect(reservation).toEqual({ tbl: 'reservations', mode: 'session:off' });
    expect(debit.tbl).toBe('wallet_transactions');
    expect(debit.mode.startsWith('session:')).toBe(false);
    // The debit is there: nothing about the hold's commit changed what the settle posted.
    const row = await gw.ctx.store.db
      .selectFrom('wallet_transactions')
      .select('amount_micros')
      .where('request_id', '=', req.requestId)
      .executeTakeFirstOrThrow();
    expect(Number(row.amount_micros)).toBe(-1234);
  });

  it('a batch that holds and settles together commits durably', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 10 });
    const first = reserveRequest(p.platformId, null);
    const res = await gw.ctx.billing.reserve(first);
    if (!res.ok) throw new Error(res.message);
    // A markup given up front: the reserve reads no settings, so it is submitted in this turn.
    const second = reserveRequest(p.platformId, null, { markupPercentage: 0 });
    const recorder = recordBillingCalls(gw);
    // Same turn: the settle of the first and the hold of the second go in one call.
    const [settled, held] = await Promise.all([
      gw.ctx.billing.settle(res.reservation, { costMicros: 99, description: 'mixed' }),
      gw.ctx.billing.reserve(second),
    ]);
    recorder.stop();
    expect(settled.status).toBe('settled');
    expect(held.ok).toBe(true);
    expect(recorder.calls.map((c) => c.kinds)).toEqual([['s', 'r']]);
    const [hold] = await modes(second.requestId);
    expect(hold.tbl).toBe('reservations');
    expect(hold.mode.startsWith('session:')).toBe(false);
    if (held.ok) await gw.ctx.billing.release(held.reservation);
  });

  it('a settle whose hold was lost (as in a crash after an unflushed hold) bills nothing and fails nothing', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 10 });
    const req = reserveRequest(p.platformId, null);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    // What recovery would leave: neither the reservation row nor its share of the wallet's reserved total.
    await gw.ctx.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('reservations').where('request_id', '=', req.requestId).execute();
      await trx
        .updateTable('wallets')
        .set((eb) => ({ reserved_micros: eb('reserved_micros', '-', res.reservation.walletMicros) }))
        .where('platform_id', '=', p.platformId)
        .execute();
    });
    const settled = await gw.ctx.billing.settle(res.reservation, { costMicros: 500, description: 'lost hold' });
    expect(settled).toMatchObject({ status: 'expired', walletMicros: 0 });
    const wallet = await gw.ctx.store.db
      .selectFrom('wallets')
      .selectAll()
      .where('platform_id', '=', p.platformId)
      .executeTakeFirstOrThrow();
    expect(Number(wallet.reserved_micros)).toBe(0);
    expect(Number(wallet.balance_micros)).toBe(10_000_000);
  });
});
