/**
 * The PostgreSQL sweeper voids expired reservations of dead processes only: a request still in flight in
 * this process keeps its hold whatever its age (a short ASSISTIV_RESERVATION_TTL_MS cannot void a live stream
 * here), while another instance's sweeper treats it as abandoned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingEngine } from '../../../src/billing/engine.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { balances, fundedPlatform, manualClock, reserveRequest, writeLog } from './fixtures.js';

describe.skipIf(!postgresUrl)('PostgreSQL: the sweeper and this process’s own holds', () => {
  let gw: TestGateway;
  const clock = manualClock(new Date().toISOString());
  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'postgres', clock });
  });
  afterAll(() => gw?.close());

  it('an expired reservation of a request in flight here is not swept; another instance sweeps it', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const live = reserveRequest(p.platformId, null);
    const abandoned = reserveRequest(p.platformId, null);
    const a = await gw.ctx.billing.reserve(live);
    const b = await gw.ctx.billing.reserve(abandoned);
    if (!a.ok || !b.ok) throw new Error('reserve refused');
    clock.advance(gw.ctx.config.reservationTtlMs + 1_000);

    // Seen from another instance (same database, same clock), both are expired and nobody's.
    const other = createBillingEngine({ store: gw.ctx.store, clock });
    const otherView = await gw.ctx.store.db
      .selectFrom('reservations')
      .select('request_id')
      .where('platform_id', '=', p.platformId)
      .execute();
    expect(otherView).toHaveLength(2);
    expect(await gw.ctx.billing.sweep()).toBe(0);
    const settled = await gw.ctx.billing.settle(a.reservation, { costMicros: 1_234, description: 'long stream' });
    expect(settled).toMatchObject({ status: 'settled', walletMicros: 1_234 });
    await writeLog(gw, live, settled);

    // The other instance never took `abandoned`: to it, an expired reservation is a dead process's.
    expect(await other.sweep()).toBe(1);
    await other.close();
    expect(await gw.ctx.billing.settle(b.reservation, { costMicros: 99, description: 'too late' })).toMatchObject({ status: 'expired' });
    expect((await balances(gw, p.platformId)).wallet).toMatchObject({ balance_micros: 1_000_000 - 1_234, reserved_micros: 0 });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });
});
