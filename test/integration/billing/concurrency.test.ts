/**
 * Hundreds of simultaneous reserve → settle/release chains across several end users, with the wallet and
 * every budget near exhaustion: no balance goes negative, what was debited equals what settle reported,
 * nothing stays reserved, and the ledger verifies. The seed is printed so a failure can be replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settled } from '../../../src/billing/engine-types.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { withMarkupMicros, worstCaseMicros } from '../../../src/billing/money.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { endUser, fundedPlatform, prng, reserveRequest, writeLog } from './fixtures.js';

const CHAINS = 400;
const seed = Number(process.env.BILLING_SEED ?? Date.now() % 1_000_000);

describe.each(dialects)('billing under concurrency (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());

  it.each([0, 25])(`${CHAINS} concurrent chains near exhaustion keep every invariant (markup %i%%)`, async (markup) => {
    process.stdout.write(`[billing concurrency ${dialect}] seed=${seed} (replay with BILLING_SEED=${seed})\n`);
    const rand = prng(seed + markup);
    const p = await fundedPlatform(gw, { walletUsd: 0.6, markup });
    const users: Array<string | null> = [null];
    for (let i = 0; i < 4; i++) users.push((await endUser(p, `budgeted-${i}`, { max_usd: 0.08 })).endUserId);
    users.push((await endUser(p, 'unbudgeted')).endUserId);

    // SQLite holds live in memory: after every step, what is held must still be covered by the rows.
    const sqlite = gw.ctx.store.sqlite;
    const budgetIds = new Map<string, string>();
    const expectHoldsCovered = () => {
      if (!sqlite) return;
      const balance = sqlite.prepare('SELECT balance_micros FROM wallets WHERE platform_id = ?').pluck().get(p.platformId) as number;
      expect(balance - gw.ctx.billing.heldFor({ platformId: p.platformId })).toBeGreaterThanOrEqual(0);
      for (const [, budgetId] of budgetIds) {
        const b = sqlite.prepare('SELECT max_micros, used_micros FROM budgets WHERE id = ?').get(budgetId) as Record<string, number>;
        expect(b.max_micros - b.used_micros - gw.ctx.billing.heldForBudget(budgetId)).toBeGreaterThanOrEqual(0);
      }
    };
    for (const endUserId of users.slice(1, 5)) {
      const b = await gw.ctx.store.db.selectFrom('budgets').select('id').where('end_user_id', '=', endUserId!).executeTakeFirstOrThrow();
      budgetIds.set(endUserId!, b.id);
    }
    const settledBy = new Map<string | null, number>();
    const results: Array<{ outcome: 'settled' | 'released' | 'refused'; settled?: Settled; code?: string }> = [];
    const chain = async (i: number) => {
      const endUserId = users[Math.floor(rand() * users.length)];
      const req = reserveRequest(p.platformId, endUserId, {
        promptTokens: 50 + Math.floor(rand() * 500),
        maxOutputTokens: 200 + Math.floor(rand() * 1500),
      });
      const worst = worstCaseMicros(req);
      const roll = rand();
      const delayMs = Math.floor(rand() * 4);
      const res = await gw.ctx.billing.reserve(req);
      expectHoldsCovered();
      if (!res.ok) {
        results[i] = { outcome: 'refused', code: res.code };
        await writeLog(gw, req, null);
        return;
      }
      await new Promise((r) => setTimeout(r, delayMs));
      if (roll < 0.2) {
        await gw.ctx.billing.release(res.reservation);
        results[i] = { outcome: 'released' };
        await writeLog(gw, req, null);
        return;
      }
      // 5% overrun the reservation (a provider ignoring max_tokens); the rest cost at most the worst case.
      const cost = roll > 0.95 ? worst * 3 : Math.floor(rand() * worst);
      const settled = await gw.ctx.billing.settle(res.reservation, { costMicros: cost, description: `chain ${i}` });
      expectHoldsCovered();
      expect(settled.status).toBe('settled');
      if (!settled.cappedFromMicros) {
        expect(settled.walletMicros).toBe(cost);
        expect(settled.endUserMicros).toBe(withMarkupMicros(cost, markup));
      }
      settledBy.set(endUserId, (settledBy.get(endUserId) ?? 0) + settled.endUserMicros);
      results[i] = { outcome: 'settled', settled };
      await writeLog(gw, req, settled);
    };
    await Promise.all(Array.from({ length: CHAINS }, (_, i) => chain(i)));

    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'settled').length).toBeGreaterThan(20);
    expect(results.filter((r) => r.code === 'budget_exhausted').length).toBeGreaterThan(0);
    expect(results.filter((r) => r.code === 'wallet_insufficient').length).toBeGreaterThan(0);

    const db = gw.ctx.store.db;
    const wallet = await db.selectFrom('wallets').selectAll().where('platform_id', '=', p.platformId).executeTakeFirstOrThrow();
    const debits = await db
      .selectFrom('wallet_transactions')
      .select('amount_micros')
      .where('platform_id', '=', p.platformId)
      .where('type', '=', 'llm_usage')
      .execute();
    const totalDebited = -debits.reduce((s, d) => s + d.amount_micros, 0);
    const totalSettled = results.reduce((s, r) => s + (r.settled?.walletMicros ?? 0), 0);
    expect(totalDebited).toBe(totalSettled);
    expect(totalDebited).toBeLessThanOrEqual(600_000);
    expect(wallet.balance_micros).toBe(600_000 - totalDebited);
    expect(wallet.balance_micros).toBeGreaterThanOrEqual(0);
    expect(wallet.reserved_micros).toBe(0);
    for (const endUserId of users.slice(1, 5)) {
      const b = await db.selectFrom('budgets').selectAll().where('end_user_id', '=', endUserId!).executeTakeFirstOrThrow();
      expect(b.reserved_micros).toBe(0);
      expect(b.used_micros).toBe(settledBy.get(endUserId) ?? 0);
      expect(b.used_micros).toBeLessThanOrEqual(b.max_micros);
    }
    expect(await db.selectFrom('reservations').selectAll().where('platform_id', '=', p.platformId).execute()).toEqual([]);
    expect(gw.ctx.billing.heldFor({ platformId: p.platformId })).toBe(0);
    for (const [, budgetId] of budgetIds) expect(gw.ctx.billing.heldForBudget(budgetId)).toBe(0);
    const report = await verifyLedger(gw.ctx.store);
    expect(report.differences).toEqual([]);
  });
});
