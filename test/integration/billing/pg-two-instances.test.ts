/**
 * Two gateway instances on one PostgreSQL database bill one wallet at once: thousands of reserve → settle /
 * release chains (reserved on one instance, resolved on either), double settles and settle/release races
 * across the instances, the sweeper's release-by-id, and both sweepers releasing expired reservations while
 * traffic runs. No call fails or rolls back (so no deadlock was retried away), each request is billed at most
 * once and exactly as reported, nothing stays reserved, and the ledger verifies. Every choice comes from a
 * seeded PRNG, drawn before the run; the seed is printed when the test fails (replay with BILLING_SEED).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { ReserveRequest, Settled } from '../../../src/billing/engine-types.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { withMarkupMicros } from '../../../src/billing/money.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { endUser, fundedPlatform, manualClock, prng, recordBillingCalls, reserveRequest, writeLog } from './fixtures.js';

const seed = Number(process.env.BILLING_SEED ?? Date.now() % 1_000_000);
// 100 prompt tokens at $2.50/M + 1000 output tokens at $10/M.
const WORST = 250 + 10_000;
const MARKUP = 15;
const WALLET = 12_000_000;
const USERS = 12;
const BUDGET = 1_000_000;
/** Wave 1 leaves some reservations open; wave 2 runs while both instances sweep them. */
const WAVE1 = 2000;
const WAVE2 = 1000;
/** Chains in flight at once (all 3000 at once would only fill the budgets with holds and refuse the rest). */
const IN_FLIGHT = 400;

type Action = 'settle' | 'overrun' | 'release' | 'releaseById' | 'doubleSettle' | 'settleVsRelease' | 'abandon';
type Plan = { user: number | null; reserveOn: 0 | 1; resolveOn: 0 | 1; action: Action; cost: number; delayMs: number };

function plans(rand: () => number, count: number, mayAbandon: boolean): Plan[] {
  return Array.from({ length: count }, () => {
    const u = Math.floor(rand() * (USERS + 1));
    const roll = rand();
    let action: Action = 'settle';
    if (roll < 0.1) action = 'release';
    else if (roll < 0.18) action = 'releaseById';
    else if (roll < 0.3) action = 'doubleSettle';
    else if (roll < 0.38) action = 'settleVsRelease';
    else if (roll < 0.41) action = 'overrun';
    else if (roll < 0.45 && mayAbandon) action = 'abandon';
    return {
      user: u === USERS ? null : u,
      reserveOn: rand() < 0.5 ? 0 : 1,
      resolveOn: rand() < 0.5 ? 0 : 1,
      action,
      cost: action === 'overrun' ? 3 * WORST : 1 + Math.floor(rand() * WORST),
      delayMs: Math.floor(rand() * 4),
    };
  });
}

describe.skipIf(!postgresUrl)('PostgreSQL billing: two gateway instances on one wallet', () => {
  let a: TestGateway;
  let b: TestGateway;
  const clock = manualClock();
  beforeAll(async () => {
    a = await startTestGateway({ dialect: 'postgres', clock });
    b = await startTestGateway({ sameDatabaseAs: a, clock });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it(`${WAVE1 + WAVE2} mixed chains across both instances and two concurrent sweeps: no failed call, exact balances, clean ledger`, async () => {
    onTestFailed(() => {
      process.stderr.write(`[billing two instances] seed=${seed} (replay with BILLING_SEED=${seed})\n`);
    });
    const rand = prng(seed);
    const wave1 = plans(rand, WAVE1, true);
    const wave2 = plans(rand, WAVE2, false);
    const gws = [a, b] as const;

    const p = await fundedPlatform(a, { walletUsd: WALLET / 1e6, markup: MARKUP });
    const users: string[] = [];
    for (let i = 0; i < USERS; i++) users.push((await endUser(p, `u${i}`, { max_usd: BUDGET / 1e6 })).endUserId);

    const errors: string[] = [];
    const refused: string[] = [];
    const charged: Array<{ user: number | null; settled: Settled }> = [];
    const abandoned: ReserveRequest[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const expectPosted = (s: Settled, cost: number) => {
      if (cost <= WORST) expect(s).toEqual({ walletMicros: cost, endUserMicros: withMarkupMicros(cost, MARKUP), status: 'settled' });
      else if (s.cappedFromMicros === undefined)
        expect(s).toEqual({ walletMicros: cost, endUserMicros: withMarkupMicros(cost, MARKUP), status: 'settled' });
      else {
        // Only an overrun may be capped, at what the budget and the wallet still had.
        expect(s).toMatchObject({ status: 'settled', cappedFromMicros: cost });
        expect(s.walletMicros).toBeLessThanOrEqual(cost);
        expect(s.endUserMicros).toBeLessThanOrEqual(withMarkupMicros(cost, MARKUP));
      }
    };

    const chain = async (plan: Plan, i: number) => {
      const gw = gws[plan.reserveOn];
      const other = gws[plan.resolveOn];
      const req = reserveRequest(p.platformId, plan.user === null ? null : users[plan.user]);
      const res = await gw.ctx.billing.reserve(req);
      if (!res.ok) {
        refused.push(res.code);
        await writeLog(gw, req, null);
        return;
      }
      await sleep(plan.delayMs);
      const bill = async (s: Settled) => {
        if (s.status === 'settled') charged.push({ user: plan.user, settled: s });
        await writeLog(gw, req, s.status === 'expired' ? null : s);
      };
      const input = { costMicros: plan.cost, description: `chain ${i}` };
      switch (plan.action) {
        case 'settle':
        case 'overrun': {
          const s = await other.ctx.billing.settle(res.reservation, input);
          expectPosted(s, plan.cost);
          await bill(s);
          return;
        }
        case 'release':
          await other.ctx.billing.release(res.reservation);
          await writeLog(gw, req, null);
          return;
        case 'releaseById': {
          // The sweeper's path on one instance, then the late settle on the other: nothing is billed.
          expect(await other.ctx.billing.releaseById(req.requestId)).toBe(true);
          const s = await gws[1 - plan.resolveOn].ctx.billing.settle(res.reservation, input);
          expect(s).toEqual({ walletMicros: 0, endUserMicros: 0, status: 'expired' });
          await writeLog(gw, req, null);
          return;
        }
        case 'doubleSettle': {
          // The same settle on both instances at once: one posts it, the other reports the same amounts.
          const both = await Promise.all([a.ctx.billing.settle(res.reservation, input), b.ctx.billing.settle(res.reservation, input)]);
          const posted = both.find((s) => s.status === 'settled');
          expect(both.map((s) => s.status).sort()).toEqual(['already_settled', 'settled']);
          if (!posted) return;
          expectPosted(posted, plan.cost);
          for (const s of both) expect([s.walletMicros, s.endUserMicros]).toEqual([posted.walletMicros, posted.endUserMicros]);
          await bill(posted);
          return;
        }
        case 'settleVsRelease': {
          // Whichever commits first wins: billed exactly as reported, or voided (expired).
          const [s] = await Promise.all([gw.ctx.billing.settle(res.reservation, input), other.ctx.billing.release(res.reservation)]);
          if (s.status === 'expired') expect(s).toEqual({ walletMicros: 0, endUserMicros: 0, status: 'expired' });
          else expectPosted(s, plan.cost);
          await bill(s);
          return;
        }
        case 'abandon':
          abandoned.push(req);
          return;
      }
    };
    const run = async (wave: Plan[], offset: number) => {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < wave.length; i = next++) {
          await chain(wave[i], offset + i).catch((err: unknown) => {
            errors.push(`chain ${offset + i} (${wave[i].action}): ${err instanceof Error ? err.message : String(err)}`);
          });
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    };

    const recorders = gws.map((gw) => recordBillingCalls(gw));
    let swept: number[];
    try {
      await run(wave1, 0);
      expect(abandoned.length, `seed ${seed}`).toBeGreaterThan(0);
      // Past every wave-1 reservation's expiry (1 h TTL): both sweepers release them while wave 2 bills.
      clock.advance(2 * 3_600_000);
      [swept] = await Promise.all([Promise.all([a.ctx.billing.sweep(), b.ctx.billing.sweep()]), run(wave2, WAVE1)]);
    } finally {
      for (const r of recorders) r.stop();
    }
    expect(errors, `seed ${seed}`).toEqual([]);
    expect(swept[0] + swept[1], `seed ${seed}`).toBe(abandoned.length);
    for (const req of abandoned) await writeLog(a, req, null);

    // No money call failed as a whole (a deadlock or serialization failure would, before its one-by-one retry).
    for (const r of recorders) {
      expect(
        r.calls.filter((c) => c.error !== undefined),
        `seed ${seed}`,
      ).toEqual([]);
      // The load was real: each instance sent batches of several operations.
      expect(Math.max(...r.calls.map((c) => c.kinds.length))).toBeGreaterThan(1);
    }
    // Refusals are the balance ones only (nothing here is suspended).
    expect(refused.filter((c) => c !== 'budget_exhausted' && c !== 'wallet_insufficient')).toEqual([]);

    const db = a.ctx.store.db;
    const totalWallet = charged.reduce((s, c) => s + c.settled.walletMicros, 0);
    const wallet = await db.selectFrom('wallets').selectAll().where('platform_id', '=', p.platformId).executeTakeFirstOrThrow();
    expect({ balance: wallet.balance_micros, reserved: wallet.reserved_micros }, `seed ${seed}`).toEqual({
      balance: WALLET - totalWallet,
      reserved: 0,
    });
    const debits = await db
      .selectFrom('wallet_transactions')
      .select(['request_id', 'amount_micros'])
      .where('platform_id', '=', p.platformId)
      .where('type', '=', 'llm_usage')
      .execute();
    expect(debits).toHaveLength(charged.length);
    expect(new Set(debits.map((d) => d.request_id)).size).toBe(charged.length);
    expect(-debits.reduce((s, d) => s + d.amount_micros, 0)).toBe(totalWallet);
    for (let u = 0; u < USERS; u++) {
      const budget = await db.selectFrom('budgets').selectAll().where('end_user_id', '=', users[u]).executeTakeFirstOrThrow();
      const used = charged.filter((c) => c.user === u).reduce((s, c) => s + c.settled.endUserMicros, 0);
      expect({ user: u, max: budget.max_micros, used: budget.used_micros, reserved: budget.reserved_micros }, `seed ${seed}`).toEqual({
        user: u,
        max: BUDGET,
        used,
        reserved: 0,
      });
    }
    expect(await db.selectFrom('reservations').select('request_id').execute()).toEqual([]);
    expect((await verifyLedger(a.ctx.store)).differences, `seed ${seed}`).toEqual([]);
  }, 20_000);
});
