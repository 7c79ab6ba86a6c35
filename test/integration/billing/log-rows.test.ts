/**
 * The request log row is as durable as the debit (issue 10, finding 7): settle and release write it in the
 * money transaction, with the amounts actually charged, exactly one per request id, on each database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reservation } from '../../../src/billing/engine-types.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { logRow } from '../../../src/inference/core/log-row.js';
import type { RequestLogsTable } from '../../../src/store/schema.js';
import { itOnlyOn } from '../../helpers/only-on.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { balances, endUser, fundedPlatform, manualClock, reserveRequest } from './fixtures.js';

/** The row the pipeline would hand to settle: money columns deliberately wrong (the engine fills them). */
function rowFor(r: Reservation, over: Partial<RequestLogsTable> = {}): RequestLogsTable {
  const row = logRow(
    {
      requestId: r.requestId,
      requestType: 'chat.completion',
      warnings: [],
      platformId: r.platformId,
      endUserId: r.endUserId,
      model: 'gpt-4o',
      stream: true,
      metadata: { k: 'v' },
      startedAtMs: performance.now(),
      createdAtMs: Date.now(),
    },
    { status: 'success', latency_ms: 12, prompt_tokens: 100, completion_tokens: 50, cost_micros: 999_999, billing_status: 'not_billed' },
  );
  return { ...row, ...over };
}

describe.each(dialects)('log rows written with the money (%s)', (dialect) => {
  let gw: TestGateway;
  const clock = manualClock(new Date().toISOString());
  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock });
  });
  afterAll(() => gw?.close());

  const logsOf = (requestId: string) =>
    gw.ctx.store.db.selectFrom('request_logs').selectAll().where('request_id', '=', requestId).execute();
  const reserve = async (platformId: string, endUserId: string | null, over = {}) => {
    const res = await gw.ctx.billing.reserve(reserveRequest(platformId, endUserId, over));
    if (!res.ok) throw new Error(res.message);
    return res.reservation;
  };

  it('settle writes one billed row with the charged amounts; a second settle writes none', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1, markup: 20 });
    const u = await endUser(p, 'alice', { max_usd: 1 });
    const r = await reserve(p.platformId, u.endUserId);
    const row = rowFor(r);
    const settled = await gw.ctx.billing.settle(r, { costMicros: 1_001, description: 'gpt-4o via openai', logRow: row });
    expect(settled).toEqual({ walletMicros: 1_001, endUserMicros: 1_201, status: 'settled' });
    const again = await gw.ctx.billing.settle(r, { costMicros: 5_000, description: 'again', logRow: rowFor(r, { status: 'error' }) });
    expect(again.status).toBe('already_settled');
    expect(await logsOf(r.requestId)).toEqual([
      { ...row, cost_micros: 1_001, end_user_cost_micros: 1_201, billing_status: 'billed', stream: 1 },
    ]);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('a capped overrun logs what was charged, not what was computed', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 0.02 });
    const r = await reserve(p.platformId, null);
    const settled = await gw.ctx.billing.settle(r, { costMicros: 50_000, description: 'overrun', logRow: rowFor(r) });
    expect(settled).toMatchObject({ walletMicros: 20_000, status: 'settled', cappedFromMicros: 50_000 });
    expect(await logsOf(r.requestId)).toEqual([expect.objectContaining({ cost_micros: 20_000, billing_status: 'billed' })]);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('release writes its row not_billed; a settle after the release bills nothing and writes none', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'bob', { max_usd: 1 });
    const r = await reserve(p.platformId, u.endUserId);
    await gw.ctx.billing.release(r, rowFor(r, { status: 'error', error_code: 'upstream_error' }));
    const late = await gw.ctx.billing.settle(r, { costMicros: 10, description: 'late', logRow: rowFor(r) });
    expect(late).toEqual({ walletMicros: 0, endUserMicros: 0, status: 'expired' });
    expect(await logsOf(r.requestId)).toEqual([
      expect.objectContaining({
        status: 'error',
        error_code: 'upstream_error',
        cost_micros: 0,
        end_user_cost_micros: 0,
        billing_status: 'not_billed',
      }),
    ]);
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: 0 });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('a settle whose hold was voided writes its row not_billed', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const r = await reserve(p.platformId, null);
    await gw.ctx.billing.release(r);
    expect(await gw.ctx.billing.settle(r, { costMicros: 10, description: 'late', logRow: rowFor(r) })).toMatchObject({ status: 'expired' });
    expect(await logsOf(r.requestId)).toEqual([
      expect.objectContaining({ status: 'success', cost_micros: 0, billing_status: 'not_billed' }),
    ]);
  });

  it('a request id that already has a log row keeps it, and the debit still commits', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const r = await reserve(p.platformId, null);
    const earlier = rowFor(r, { status: 'rejected', error_code: 'x' });
    await gw.ctx.store.db.insertInto('request_logs').values(earlier).execute();
    const settled = await gw.ctx.billing.settle(r, { costMicros: 2_000, description: 'x', logRow: rowFor(r) });
    expect(settled).toMatchObject({ walletMicros: 2_000, status: 'settled' });
    expect(await logsOf(r.requestId)).toEqual([{ ...earlier, stream: 1 }]);
    expect((await balances(gw, p.platformId)).wallet).toMatchObject({ balance_micros: 998_000, reserved_micros: 0 });
    // The ledger names the mismatch instead of losing the debit.
    const report = await verifyLedger(gw.ctx.store);
    expect(report.differences).toEqual([`request ${r.requestId}: not billed, but has 1 wallet and 0 budget usage rows`]);
    await gw.ctx.store.db.deleteFrom('request_logs').where('request_id', '=', r.requestId).execute();
    await gw.ctx.store.db
      .insertInto('request_logs')
      .values({ ...earlier, cost_micros: 2_000, billing_status: 'billed' })
      .execute();
  });

  it('a row the database refuses fails its own settlement whole (no debit without its row), not the others in its batch', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const good = await Promise.all([1, 2, 3].map(() => reserve(p.platformId, null)));
    const bad = await reserve(p.platformId, null);
    const results = await Promise.allSettled([
      ...good.map((r) => gw.ctx.billing.settle(r, { costMicros: 100, description: 'ok', logRow: rowFor(r) })),
      gw.ctx.billing.settle(bad, { costMicros: 100, description: 'bad', logRow: rowFor(bad, { model: null as unknown as string }) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(await logsOf(bad.requestId)).toEqual([]);
    const debits = await gw.ctx.store.db
      .selectFrom('wallet_transactions')
      .select('request_id')
      .where('platform_id', '=', p.platformId)
      .where('type', '=', 'llm_usage')
      .execute();
    expect(debits.map((d) => d.request_id).sort()).toEqual(good.map((r) => r.requestId).sort());
    expect((await balances(gw, p.platformId)).wallet).toMatchObject({ balance_micros: 999_700, reserved_micros: 0 });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('many settlements in one turn (one group commit or one batch) each write their row', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 10 });
    const u = await endUser(p, 'carol', { max_usd: 10 });
    const held = await Promise.all(Array.from({ length: 40 }, () => reserve(p.platformId, u.endUserId)));
    const settled = await Promise.all(
      held.map((r, i) => gw.ctx.billing.settle(r, { costMicros: 100 + i, description: 'batch', logRow: rowFor(r) })),
    );
    const rows = await gw.ctx.store.db.selectFrom('request_logs').selectAll().where('end_user_id', '=', u.endUserId).execute();
    expect(rows).toHaveLength(40);
    for (const [i, r] of held.entries()) {
      const row = rows.find((x) => x.request_id === r.requestId);
      expect(row).toMatchObject({
        cost_micros: settled[i].walletMicros,
        end_user_cost_micros: settled[i].endUserMicros,
        billing_status: 'billed',
      });
    }
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  itOnlyOn(dialect, 'postgres')(
    'text PostgreSQL refuses (NUL, half a surrogate pair) is stored replaced, and the debit commits',
    async () => {
      const p = await fundedPlatform(gw, { walletUsd: 1 });
      const r = await reserve(p.platformId, null);
      const settled = await gw.ctx.billing.settle(r, {
        costMicros: 300,
        description: 'odd text',
        logRow: rowFor(r, { error_message: 'a\u0000b\ud800c', status: 'error' }),
      });
      expect(settled.status).toBe('settled');
      expect(await logsOf(r.requestId)).toEqual([expect.objectContaining({ error_message: 'a\ufffdb\ufffdc', cost_micros: 300 })]);
    },
  );
});
