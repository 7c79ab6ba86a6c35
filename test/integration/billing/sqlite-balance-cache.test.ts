/**
 * The SQLite engine reserves against wallet and budget rows kept in memory (src/billing/sqlite-balance-cache.ts).
 * Each case fails when one of the cache's promises is broken: settlements keep the entries in step, a write on
 * the gateway's own connection or a commit by another connection is seen by the next reservation, a rolled-back
 * settlement leaves nothing stale, and a steady load reads the rows once.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { VERSION_CHECK_MS } from '../../../src/billing/sqlite-balance-cache.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { balances, endUser, fundedPlatform, manualClock, plainLogRow, reserveRequest } from './fixtures.js';

// 100 prompt tokens at $2.50/M + 1000 output tokens at $10/M: what each reservation below holds.
const WORST = 250 + 10_000;

describe('SQLite engine: wallet and budget rows from memory', () => {
  let gw: TestGateway;
  const clock = manualClock();

  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'sqlite', clock });
  });
  afterAll(() => gw?.close());

  const reserveAndSettle = async (platformId: string, endUserId: string | null, costMicros: number) => {
    const res = await gw.ctx.billing.reserve(reserveRequest(platformId, endUserId));
    if (!res.ok) return res;
    const logRow = plainLogRow(res.reservation.requestId, platformId, endUserId, new Date(clock.now()).toISOString());
    const settled = await gw.ctx.billing.settle(res.reservation, { costMicros, description: 'cache test', logRow });
    expect(settled.status).toBe('settled');
    return res;
  };

  /** `calls` reserve + settle pairs in a row: 'ok' or the refusal code of each. */
  const outcomes = async (calls: number, platformId: string, endUserId: string | null, costMicros: number) => {
    const codes: string[] = [];
    for (let i = 0; i < calls; i++) {
      const res = await reserveAndSettle(platformId, endUserId, costMicros);
      codes.push(res.ok ? 'ok' : res.code);
    }
    return codes;
  };

  /** The end user's budget ledger, oldest first, as `type amount`. */
  const budgetLedger = async (endUserId: string) =>
    (
      await gw.ctx.store.db
        .selectFrom('budget_transactions')
        .select(['type', 'amount_micros'])
        .where('end_user_id', '=', endUserId)
        .orderBy('id')
        .execute()
    ).map((r) => `${r.type} ${r.amount_micros}`);

  it('reads the rows once under a steady load, and settlements keep them exact: the budget runs out on the right call', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    // Room for exactly 5 calls of 2,000 µUSD with one WORST hold on top: used 8,000 + 10,250 ≤ 18,250 < 20,250.
    const u = await endUser(p, 'steady', { max_usd: 0.01825 });
    const readsBefore = gw.ctx.billing.balanceRowReads() ?? Number.NaN;
    // Five admitted (used 0, 2k, 4k, 6k, 8k before each); the sixth sees used 10,000: 10,000 + 10,250 > 18,250.
    expect(await outcomes(6, p.platformId, u.endUserId, 2_000)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'budget_exhausted']);
    expect(gw.ctx.billing.balanceRowReads()).toBe(readsBefore + 1);
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet.balance_micros).toBe(1_000_000 - 10_000);
    expect(b.budget).toMatchObject({ used_micros: 10_000, reserved_micros: 0 });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });

  it('platform-key calls: wallet debits keep the cached balance exact, the wallet runs out on the right call', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 0.01825 });
    expect(await outcomes(6, p.platformId, null, 2_000)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'wallet_insufficient']);
    expect((await balances(gw, p.platformId)).wallet).toMatchObject({ balance_micros: 18_250 - 10_000, reserved_micros: 0 });
  });

  it('sees a change made through the management API at the next reservation', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'managed', { max_usd: 1 });
    expect((await reserveAndSettle(p.platformId, u.endUserId, 1_000)).ok).toBe(true);
    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { is_suspended: true });
    expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({ ok: false, code: 'budget_suspended' });
    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { is_suspended: false, max_usd: 0.005 });
    expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({ ok: false, code: 'budget_exhausted' });
    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { max_usd: 1 });
    expect((await reserveAndSettle(p.platformId, u.endUserId, 1_000)).ok).toBe(true);
  });

  it('a change made while a settlement is queued is still seen: the settlement does not re-stamp over it', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'queued', { max_usd: 1 });
    const open = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    if (!open.ok) throw new Error(open.message);
    await p.api.patch(`${p.base}/end-users/${u.endUserId}/budget`, { is_suspended: true });
    const logRow = plainLogRow(open.reservation.requestId, p.platformId, u.endUserId, new Date(clock.now()).toISOString());
    await gw.ctx.billing.settle(open.reservation, { costMicros: 1_000, description: 'cache test', logRow });
    expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({ ok: false, code: 'budget_suspended' });
  });

  it("the engine's own period reset and auto-replenish are read afresh: one reset row per period, one replenish", async () => {
    clock.set('2026-03-15T23:59:00.000Z');
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'daily', { max_usd: 0.03, period: 'daily' });
    expect((await reserveAndSettle(p.platformId, u.endUserId, 10_000)).ok).toBe(true);
    clock.set('2026-03-16T00:00:01.000Z');
    for (let i = 0; i < 3; i++) expect((await reserveAndSettle(p.platformId, u.endUserId, 1_000)).ok).toBe(true);
    expect(await budgetLedger(u.endUserId)).toEqual([
      'opening 30000',
      'usage -10000',
      'reset 10000',
      'usage -1000',
      'usage -1000',
      'usage -1000',
    ]);
    expect((await balances(gw, p.platformId, u.endUserId)).budget).toMatchObject({
      used_micros: 3_000,
      period_start: '2026-03-16T00:00:00.000Z',
    });
    clock.set('2026-03-15T12:00:00.000Z');

    const r = await endUser(p, 'replenished', { max_usd: 0.001, auto_replenish: true, replenish_amount: 0.02 });
    for (let i = 0; i < 2; i++) expect((await reserveAndSettle(p.platformId, r.endUserId, 1_000)).ok).toBe(true);
    expect(await budgetLedger(r.endUserId)).toEqual(['opening 1000', 'replenish 20000', 'usage -1000', 'usage -1000']);
    expect((await balances(gw, p.platformId, r.endUserId)).budget).toMatchObject({ max_micros: 21_000, used_micros: 2_000 });
  });

  it('sees a commit by another connection to the file: within VERSION_CHECK_MS, or at once after a money transaction', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'elsewhere', { max_usd: 1 });
    expect((await reserveAndSettle(p.platformId, u.endUserId, 1_000)).ok).toBe(true);
    const open = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    if (!open.ok) throw new Error(open.message);
    const sqlite = gw.ctx.store.sqlite;
    if (!sqlite) throw new Error('expected the SQLite store');
    const other = new Database(sqlite.name);
    try {
      // An idle gateway looks for other connections' commits at most every VERSION_CHECK_MS (the open hold counts too).
      other.prepare('UPDATE wallets SET balance_micros = ? WHERE platform_id = ?').run(2 * WORST - 1, p.platformId);
      await new Promise((r) => setTimeout(r, VERSION_CHECK_MS + 20));
      expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({
        ok: false,
        code: 'wallet_insufficient',
      });
      // A money transaction of the gateway's own checks inside it: the next reservation sees the commit at once.
      other.prepare('UPDATE wallets SET balance_micros = 1000000 WHERE platform_id = ?').run(p.platformId);
      other.prepare('UPDATE budgets SET is_suspended = 1 WHERE end_user_id = ?').run(u.endUserId);
      const logRow = plainLogRow(open.reservation.requestId, p.platformId, u.endUserId, new Date(clock.now()).toISOString());
      await gw.ctx.billing.settle(open.reservation, { costMicros: 1_000, description: 'cache test', logRow });
      expect(await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId))).toMatchObject({
        ok: false,
        code: 'budget_suspended',
      });
    } finally {
      other.close();
    }
  });

  it('a settlement whose transaction rolls back leaves no stale amount behind', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    // Room for one WORST hold and no more than 1,000 µUSD of usage besides.
    const u = await endUser(p, 'rolled-back', { max_usd: 0.01125 });
    const first = await gw.ctx.billing.reserve(reserveRequest(p.platformId, u.endUserId));
    if (!first.ok) throw new Error(first.message);
    // A log row that breaks a NOT NULL column: the insert fails after both UPDATEs ran, so the batch rolls back.
    const broken = { ...plainLogRow(first.reservation.requestId, p.platformId, u.endUserId, new Date(clock.now()).toISOString()) };
    (broken as Record<string, unknown>).status = null;
    await expect(
      gw.ctx.billing.settle(first.reservation, { costMicros: 5_000, description: 'rolled back', logRow: broken }),
    ).rejects.toThrow();
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.budget).toMatchObject({ used_micros: 0, reserved_micros: 0 });
    expect(b.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: 0 });
    // With the rolled-back 5,000 µUSD still counted, 5,000 + 10,250 > 11,250 would refuse this.
    expect((await reserveAndSettle(p.platformId, u.endUserId, 1_000)).ok).toBe(true);
  });
});
