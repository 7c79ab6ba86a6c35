/**
 * A manual budget debit (POST …/budget/debit) raises budget.low_balance like a settlement does (spec §6):
 * once per threshold it takes `remaining` below (the budget's own, and each platform percentage, `:<p>%` in the
 * id), in the debit's own transaction; a debit that crosses nothing raises none; a top-up re-arms. Checked in
 * the outbox the delivery worker sends from, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('budget.low_balance from manual debits (%s)', (dialect) => {
  let f: InferenceFixture;
  const base = () => `/v1/platforms/${f.platformId}`;
  const platform = () => client(f.gw.url, f.platformKey);

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    expect((await platform().patch(base(), { settings: { low_balance_thresholds: [20] } })).status).toBe(200);
  });
  afterAll(() => f?.close());

  const lowBalanceEvents = async (budgetId: string) =>
    (
      await f.gw.ctx.store.db
        .selectFrom('webhook_events')
        .select(['id', 'payload'])
        .where('platform_id', '=', f.platformId)
        .where('event_type', '=', 'budget.low_balance')
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    )
      .map((r) => ({ id: r.id, envelope: JSON.parse(r.payload) }))
      .filter((e) => e.envelope.data.budget_id === budgetId);

  it('each crossing raises one event per threshold, with the debit as its transaction; a top-up re-arms', async () => {
    const user = await f.newEndUser(`debits-${dialect}`);
    const budgetPath = `${base()}/end-users/${user.id}/budget`;
    const budget = (await platform().post(budgetPath, { max_usd: 10, low_balance_threshold: 5 })).body.data;
    const debit = async (amount: number) => {
      const res = await platform().post(`${budgetPath}/debit`, { amount, reason: 'manual' });
      expect(res.status).toBe(201);
      return res.body.data.transaction.id as string;
    };

    await debit(4); // remaining 6: above both thresholds (5 own, 2 = 20 % of 10)
    expect(await lowBalanceEvents(budget.id)).toEqual([]);

    const first = await debit(2); // remaining 4: below 5
    let events = await lowBalanceEvents(budget.id);
    expect(events.map((e) => e.id)).toEqual([`${first}:budget.low_balance`]);
    expect(events[0].envelope).toMatchObject({
      event_type: 'budget.low_balance',
      event_id: `${first}:budget.low_balance`,
      data: {
        budget_id: budget.id,
        end_user_id: user.id,
        transaction_id: first,
        type: 'debit',
        amount_usd: -2,
        max_usd_after: 10,
        used_usd_after: 6,
        remaining_usd_after: 4,
        threshold_usd: 5,
        threshold_percentage: null,
      },
    });

    await debit(1); // remaining 3: already below 5, above 2
    expect(await lowBalanceEvents(budget.id)).toHaveLength(1);

    const second = await debit(2); // remaining 1: below 2 (20 %)
    events = await lowBalanceEvents(budget.id);
    expect(events.map((e) => e.id)).toEqual([`${first}:budget.low_balance`, `${second}:budget.low_balance:20%`]);
    expect(events[1].envelope.data).toMatchObject({ threshold_usd: 2, threshold_percentage: 20, remaining_usd_after: 1 });

    // A top-up lifts remaining to 6 (above both); one debit down to 1 crosses both at once: two events.
    expect((await platform().post(`${budgetPath}/topup`, { amount: 5 })).status).toBe(201);
    const third = await debit(5);
    events = await lowBalanceEvents(budget.id);
    expect(
      events
        .map((e) => e.id)
        .slice(2)
        .sort(),
    ).toEqual([`${third}:budget.low_balance`, `${third}:budget.low_balance:20%`].sort());
  });

  it('a refused debit raises nothing', async () => {
    const user = await f.newEndUser(`refused-${dialect}`);
    const budgetPath = `${base()}/end-users/${user.id}/budget`;
    const budget = (await platform().post(budgetPath, { max_usd: 1, low_balance_threshold: 0.5 })).body.data;
    const res = await platform().post(`${budgetPath}/debit`, { amount: 2 });
    expect(res.status).toBe(402);
    expect(await lowBalanceEvents(budget.id)).toEqual([]);
  });
});
