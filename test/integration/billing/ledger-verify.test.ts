/**
 * `ledger verify` checks both ways: every billed log row has its debit, and every `llm_usage` wallet debit
 * and budget `usage` row has its request's log row (issue 10, finding 7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { endUser, fundedPlatform, reserveRequest, writeLog } from './fixtures.js';

describe.each(dialects)('ledger verify, both ways (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());

  const settleWithoutLog = async (platformId: string, endUserId: string | null, costMicros: number) => {
    const req = reserveRequest(platformId, endUserId);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    return { req, settled: await gw.ctx.billing.settle(res.reservation, { costMicros, description: 'no log' }) };
  };
  const idsOf = async (requestId: string) => ({
    wallet: (
      await gw.ctx.store.db.selectFrom('wallet_transactions').select('id').where('request_id', '=', requestId).executeTakeFirstOrThrow()
    ).id,
    budget:
      (await gw.ctx.store.db
        .selectFrom('budget_transactions')
        .select(['id', 'budget_id'])
        .where('request_id', '=', requestId)
        .executeTakeFirst()) ?? null,
  });

  it('names each usage debit without a log row, wallet and budget, and each billed row without a debit', async () => {
    expect(await verifyLedger(gw.ctx.store)).toMatchObject({ ok: true, differences: [] });
    const p = await fundedPlatform(gw, { walletUsd: 1, markup: 10 });
    const u = await endUser(p, 'no-log', { max_usd: 1 });
    const a = await settleWithoutLog(p.platformId, u.endUserId, 1_000);
    const b = await settleWithoutLog(p.platformId, null, 2_000);
    const idsA = await idsOf(a.req.requestId);
    const idsB = await idsOf(b.req.requestId);
    expect(idsB.budget).toBeNull();

    // A billed log row whose debit does not exist (e.g. written by hand, or by a buggy engine).
    const ghost = reserveRequest(p.platformId, null);
    await writeLog(gw, ghost, { walletMicros: 777, endUserMicros: 777, status: 'settled' });

    const report = await verifyLedger(gw.ctx.store);
    expect(report.ok).toBe(false);
    expect(report.checked.debits).toBe(2);
    expect([...report.differences].sort()).toEqual(
      [
        `request ${a.req.requestId}: llm_usage wallet debit ${idsA.wallet} (platform ${p.platformId}) of 1000 µUSD has no request log row`,
        `request ${a.req.requestId}: budget usage row ${idsA.budget?.id} (budget ${idsA.budget?.budget_id}) of 1100 µUSD has no request log row`,
        `request ${b.req.requestId}: llm_usage wallet debit ${idsB.wallet} (platform ${p.platformId}) of 2000 µUSD has no request log row`,
        `request ${ghost.requestId}: billed, but has 0 llm_usage wallet debits (expected exactly 1)`,
      ].sort(),
    );

    // Once each debit has its row (and the ghost row is gone), the ledger is clean again.
    await writeLog(gw, a.req, a.settled);
    await writeLog(gw, b.req, b.settled);
    await gw.ctx.store.db.deleteFrom('request_logs').where('request_id', '=', ghost.requestId).execute();
    expect(await verifyLedger(gw.ctx.store)).toMatchObject({ ok: true, differences: [], checked: { debits: 2 } });
  });
});
