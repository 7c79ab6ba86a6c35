/**
 * The events settlements and refusals cause (spec §6): wallet.low_balance and budget.low_balance fire once per
 * crossing, in the settlement's own transaction, and are re-armed by lifting the balance; budget.exhausted fires
 * once per exhaustion. Real calls through the gateway to a mock provider, a real receiver on 127.0.0.1, every
 * delivery verified with standardwebhooks; the same assertions on both databases.
 */
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';
import { recordBillingCalls, reserveRequest, writeLog } from '../billing/fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

type Envelope = { event_type: string; event_id: string; created_at: string; data: Record<string, any> };

describe.each(dialects)('low-balance and exhausted events (%s)', (dialect) => {
  let f: InferenceFixture;
  let receiver: Receiver;
  let cleanup: Array<() => Promise<unknown>> = [];
  /** µUSD one call costs (the mock's usage is a function of the prompt, so every call costs the same). */
  let callMicros: number;

  const base = () => `/v1/platforms/${f.platformId}`;
  const platform = () => client(f.gw.url, f.platformKey);
  const call = (key = f.endUserKey) =>
    client(f.gw.url, key).raw('POST', '/v1/chat/completions', {
      model: 'gpt-4o',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
  const walletMicros = async () => Math.round((await platform().get(`${base()}/wallet`)).body.data.balance * 1e6);

  /** A fresh receiver and endpoint subscribed to `events`; returns the verified envelopes received so far. */
  async function subscribe(events: string[]) {
    receiver = await startReceiver();
    const hook = (await platform().post(`${base()}/webhooks`, { url: `${receiver.url}/h`, events })).body.data;
    cleanup.push(() => platform().delete(`${base()}/webhooks/${hook.id}`));
    const wh = new Webhook(hook.secret);
    return () => receiver.received.map((r) => wh.verify(r.body, r.headers) as Envelope);
  }

  /** Waits for `n` deliveries, then a while longer, so a surplus delivery would show up too. */
  async function settled(got: () => Envelope[], n: number) {
    await receiver.waitFor(n);
    await new Promise((r) => setTimeout(r, 1500));
    return got();
  }

  const outboxRows = async (types: string[]) =>
    (
      await f.gw.ctx.store.db
        .selectFrom('webhook_events')
        .select(['id', 'event_type'])
        .where('platform_id', '=', f.platformId)
        .where('event_type', 'in', types)
        .execute()
    ).length;

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, walletUsd: 100, env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' } });
    const before = await walletMicros();
    expect((await call()).status).toBe(200);
    callMicros = before - (await walletMicros());
    expect(callMicros).toBeGreaterThan(0);
  });
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
    await receiver?.close();
    await platform().patch(`${base()}`, { settings: { low_balance_thresholds: null } });
    await platform().patch(`${base()}/wallet`, { low_balance_threshold: null });
    await f.gw.ctx.requestLogs.flush();
    expect((await verifyLedger(f.gw.ctx.store)).differences).toEqual([]);
  });
  afterAll(async () => {
    await receiver?.close();
    await f?.close();
  });

  it('24 concurrent calls cross the wallet threshold: ONE wallet.low_balance; a top-up re-arms it, the next crossing sends a second', async () => {
    const got = await subscribe(['wallet.low_balance']);
    const cross = async () => {
      // The threshold sits 5.5 calls below the balance: the 6th settlement crosses it, whichever request it is.
      const threshold = (await walletMicros()) - Math.round(5.5 * callMicros);
      expect((await platform().patch(`${base()}/wallet`, { low_balance_threshold: threshold / 1e6 })).status).toBe(200);
      const answers = await Promise.all(Array.from({ length: 24 }, () => call()));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      return threshold;
    };
    const t1 = await cross();
    const first = await settled(got, 1);
    expect(first).toHaveLength(1);
    const e = first[0];
    const tx = (await platform().get(`${base()}/wallet`)).body.data;
    expect(e).toMatchObject({
      event_type: 'wallet.low_balance',
      event_id: `${e.data.transaction_id}:wallet.low_balance`,
      data: { platform_id: f.platformId, wallet_id: tx.id, type: 'llm_usage', amount_usd: -callMicros / 1e6, threshold_usd: t1 / 1e6 },
    });
    // The crossing settlement itself: from at or above the threshold to below it.
    const after = Math.round(e.data.balance_after * 1e6);
    expect(after).toBeLessThan(t1);
    expect(after + callMicros).toBeGreaterThanOrEqual(t1);

    // More debits below the threshold send nothing; a top-up above it re-arms it.
    expect((await call()).status).toBe(200);
    expect((await platform().post(`${base()}/wallet/topup`, { amount: 1 })).status).toBe(201);
    const t2 = await cross();
    const both = await settled(got, 2);
    expect(both.map((x) => [x.event_type, x.data.threshold_usd])).toEqual([
      ['wallet.low_balance', t1 / 1e6],
      ['wallet.low_balance', t2 / 1e6],
    ]);
    expect(new Set(both.map((x) => x.event_id)).size).toBe(2);
  });

  it('thresholds 50 %, 20 %, 5 % and the budget’s own: each fires once, in order; one settlement crossing two sends two ids', async () => {
    const got = await subscribe(['budget.low_balance']);
    const user = await f.newEndUser(`thresholds-${Date.now()}`);
    const maxMicros = 2000 * callMicros;
    const b = `${base()}/end-users/${user.id}/budget`;
    // The budget's own threshold sits a quarter call under 20 %: the settlement that crosses 20 % crosses it too.
    const ownMicros = Math.floor(maxMicros * 0.2) - Math.round(callMicros / 4);
    expect((await platform().patch(base(), { settings: { low_balance_thresholds: [50, 20, 5] } })).status).toBe(200);
    expect((await platform().post(b, { max_usd: maxMicros / 1e6, low_balance_threshold: ownMicros / 1e6 })).status).toBe(201);
    const remaining = async () => {
      const d = (await platform().get(b)).body.data;
      return Math.round((d.max_usd - d.used_usd) * 1e6);
    };
    // Brings remaining to half a call above `micros` with a manual debit (no event), then one call crosses it.
    const crossAt = async (micros: number) => {
      const debit = (await remaining()) - micros - Math.round(callMicros / 2);
      expect((await platform().post(`${b}/debit`, { amount: debit / 1e6 })).status).toBe(201);
      expect((await call(user.key)).status).toBe(200);
      expect((await call(user.key)).status).toBe(200); // below it now: nothing more
    };
    await crossAt(Math.floor(maxMicros * 0.5));
    await crossAt(Math.floor(maxMicros * 0.2));
    await crossAt(Math.floor(maxMicros * 0.05));
    const events = await settled(got, 4);
    expect(events).toHaveLength(4);
    const ids = events.map((e) => e.event_id);
    expect(new Set(ids).size).toBe(4);
    const byThreshold = events.map((e) => [e.data.threshold_percentage, e.data.threshold_usd]);
    expect(byThreshold.slice(0, 1)).toEqual([[50, Math.floor(maxMicros * 0.5) / 1e6]]);
    expect(byThreshold.slice(1, 3)).toEqual(
      expect.arrayContaining([
        [20, Math.floor(maxMicros * 0.2) / 1e6],
        [null, ownMicros / 1e6],
      ]),
    );
    expect(byThreshold[3]).toEqual([5, Math.floor(maxMicros * 0.05) / 1e6]);
    // The two of one settlement share its transaction; the ids say which threshold.
    const [a, c] = [events[1], events[2]];
    expect(a.data.transaction_id).toBe(c.data.transaction_id);
    expect(ids).toEqual(
      expect.arrayContaining([`${a.data.transaction_id}:budget.low_balance`, `${a.data.transaction_id}:budget.low_balance:20%`]),
    );
    const tx = (await platform().get(`${b}/transactions`)).body.data.find((t: { id: string }) => t.id === events[3].data.transaction_id);
    expect(tx).toMatchObject({ type: 'usage' });
    expect(events[3]).toMatchObject({
      event_type: 'budget.low_balance',
      event_id: `${events[3].data.transaction_id}:budget.low_balance:5%`,
      data: {
        platform_id: f.platformId,
        end_user_id: user.id,
        type: 'usage',
        amount_usd: -callMicros / 1e6,
        max_usd_after: maxMicros / 1e6,
        reason: expect.any(String),
        metadata: {},
      },
    });
    const d = events[3].data;
    expect(Math.round(d.remaining_usd_after * 1e6)).toBe(Math.round((d.max_usd_after - d.used_usd_after) * 1e6));
    expect(Math.round(d.remaining_usd_after * 1e6)).toBe(Math.floor(maxMicros * 0.05) + Math.round(callMicros / 2) - callMicros);

    // A top-up lifts remaining above 5 % again: the next crossing of 5 % fires again.
    expect((await platform().post(`${b}/topup`, { amount: (2 * callMicros) / 1e6 })).status).toBe(201);
    expect((await call(user.key)).status).toBe(200);
    expect((await call(user.key)).status).toBe(200);
    expect((await call(user.key)).status).toBe(200);
    const again = await settled(got, 5);
    expect(again).toHaveLength(5);
    expect(again[4].data.threshold_percentage).toBe(5);
  });

  it('percentages changed through the API apply from the next call; on PostgreSQL every settle carries them (no settings row read)', async () => {
    const got = await subscribe(['budget.low_balance']);
    const user = await f.newEndUser(`changed-${Date.now()}`);
    const maxMicros = 1000 * callMicros;
    const b = `${base()}/end-users/${user.id}/budget`;
    expect((await platform().post(b, { max_usd: maxMicros / 1e6 })).status).toBe(201);
    const thresholds = async (pcts: number[] | null) =>
      expect((await platform().patch(base(), { settings: { low_balance_thresholds: pcts } })).status).toBe(200);
    const remaining = async () => {
      const d = (await platform().get(b)).body.data;
      return Math.round((d.max_usd - d.used_usd) * 1e6);
    };
    // Brings remaining to half a call above pct % with a manual debit (no event), then two calls: the first crosses it.
    const crossAt = async (pct: number) => {
      const debit = (await remaining()) - Math.floor((maxMicros * pct) / 100) - Math.round(callMicros / 2);
      expect((await platform().post(`${b}/debit`, { amount: debit / 1e6 })).status).toBe(201);
      expect((await call(user.key)).status).toBe(200);
      expect((await call(user.key)).status).toBe(200);
    };
    const recorder = dialect === 'postgres' ? recordBillingCalls(f.gw) : null;
    try {
      await thresholds([50, 10]);
      await crossAt(50); // fires 50 %
      await thresholds([30]); // platform.changed: the routing cache reloads the settings at the next call
      await crossAt(30); // fires 30 %, which the earlier settings did not have
      await thresholds(null);
      await crossAt(10); // the earlier settings' 10 % is gone: nothing
    } finally {
      recorder?.stop();
    }
    const events = await settled(got, 2);
    expect(events.map((e) => [e.data.end_user_id, e.data.threshold_percentage])).toEqual([
      [user.id, 50],
      [user.id, 30],
    ]);
    if (recorder) {
      // Each settle names the percentages itself ([] when none): the money function never reads the platform's settings.
      const settles = recorder.ops.filter((op) => op.k === 's');
      expect(settles.map((op) => op.lb)).toEqual([[50, 10], [50, 10], [30], [30], [], []]);
      expect(recorder.calls.filter((c) => c.error)).toEqual([]);
    }
  });

  it.runIf(dialect === 'postgres')(
    'a settlement uses the percentages its reservation carries: [] is none (the settings row is not read); absent, the row decides',
    async () => {
      const got = await subscribe(['budget.low_balance']);
      await platform().patch(base(), { settings: { low_balance_thresholds: [50] } });
      const maxMicros = 1_000_000;
      const cost = 10_000;
      /** Settles one reservation that takes the user's remaining from half a cost above 50 % to half a cost below it. */
      const crossHalf = async (lowBalancePcts: readonly number[] | undefined) => {
        const user = await f.newEndUser(`carried-${lowBalancePcts ? lowBalancePcts.length : 'absent'}-${Date.now()}`);
        const b = `${base()}/end-users/${user.id}/budget`;
        expect((await platform().post(b, { max_usd: maxMicros / 1e6 })).status).toBe(201);
        expect((await platform().post(`${b}/debit`, { amount: (maxMicros / 2 - cost / 2) / 1e6 })).status).toBe(201);
        // markupPercentage given, as the pipeline gives it: the engine reads no settings at reserve time either.
        const req = reserveRequest(f.platformId, user.id, { markupPercentage: 0, ...(lowBalancePcts && { lowBalancePcts }) });
        const res = await f.gw.ctx.billing.reserve(req);
        if (!res.ok) throw new Error(res.message);
        await writeLog(f.gw, req, await f.gw.ctx.billing.settle(res.reservation, { costMicros: cost, description: 'carried' }));
        return user.id;
      };
      await crossHalf([]); // taken with no percentages: none fires, whatever the row says now
      const absent = await crossHalf(undefined); // nothing carried: the function reads the row's 50 %
      const events = await settled(got, 1);
      expect(events.map((e) => [e.data.end_user_id, e.data.threshold_percentage])).toEqual([[absent, 50]]);
    },
  );

  it('refused 5 times: ONE budget.exhausted (id from the first refused request); a top-up re-arms it', async () => {
    const got = await subscribe(['budget.exhausted']);
    const user = await f.newEndUser(`exhausted-${Date.now()}`);
    const b = `${base()}/end-users/${user.id}/budget`;
    expect((await platform().post(b, { max_usd: 0.000001 })).status).toBe(201);
    const refuse = async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await call(user.key);
        expect(res.status).toBe(402);
        expect(res.body.error.code).toBe('budget_exhausted');
        ids.push(res.headers.get('x-request-id') as string);
      }
      return ids;
    };
    const first = await refuse();
    const one = await settled(got, 1);
    expect(one).toHaveLength(1);
    const budgetId = (await platform().get(b)).body.data.id;
    expect(one[0]).toMatchObject({
      event_type: 'budget.exhausted',
      event_id: `${first[0]}:budget.exhausted`,
      data: {
        platform_id: f.platformId,
        end_user_id: user.id,
        budget_id: budgetId,
        transaction_id: first[0],
        type: 'exhausted',
        max_usd_after: 0.000001,
        used_usd_after: 0,
        remaining_usd_after: 0.000001,
        reason: 'budget_exhausted',
      },
    });
    expect(one[0].data.amount_usd).toBeGreaterThan(0.000001);
    // A top-up too small to admit anything: still exhausted, and notified once more.
    expect((await platform().post(`${b}/topup`, { amount: 0.000001 })).status).toBe(201);
    const second = await refuse();
    const two = await settled(got, 2);
    expect(two.map((e) => e.event_id)).toEqual([`${first[0]}:budget.exhausted`, `${second[0]}:budget.exhausted`]);
  });

  it('a settlement that rolls back enqueues nothing; the crossing then fires once when a settlement commits', async () => {
    const got = await subscribe(['wallet.low_balance']);
    const threshold = (await walletMicros()) - Math.round(callMicros / 2);
    await platform().patch(`${base()}/wallet`, { low_balance_threshold: threshold / 1e6 });
    const db = f.gw.ctx.store.db;
    // Every request_logs insert fails: the settlement's transaction (debit, ledger row, event, log row) rolls back.
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER fail_logs BEFORE INSERT ON request_logs BEGIN SELECT RAISE(ABORT, 'injected fault'); END`.execute(db);
      cleanup.push(() => sql`DROP TRIGGER IF EXISTS fail_logs`.execute(db));
    } else {
      await sql`CREATE OR REPLACE FUNCTION fail_logs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$`.execute(
        db,
      );
      await sql`CREATE TRIGGER fail_logs BEFORE INSERT ON request_logs FOR EACH ROW EXECUTE FUNCTION fail_logs()`.execute(db);
      cleanup.push(() => sql`DROP TRIGGER IF EXISTS fail_logs ON request_logs`.execute(db));
    }
    const before = await walletMicros();
    const rowsBefore = await outboxRows(['wallet.low_balance']);
    const failed = await call();
    expect(failed.status).toBe(500);
    expect(await walletMicros()).toBe(before);
    expect(await outboxRows(['wallet.low_balance'])).toBe(rowsBefore);
    await new Promise((r) => setTimeout(r, 1200));
    expect(receiver.received).toHaveLength(0);

    await cleanup.pop()?.();
    expect((await call()).status).toBe(200);
    const events = await settled(got, 1);
    expect(events).toHaveLength(1);
    expect(Math.round(events[0].data.balance_after * 1e6)).toBe(before - callMicros);
  });

  it('settings.low_balance_thresholds: up to 5 unique percentages in (0, 100), any order; anything else is a 400 naming it', async () => {
    for (const good of [[50, 20, 5], [5, 20, 50], [12.5], [1, 2, 3, 4, 99.9]]) {
      const res = await platform().patch(base(), { settings: { low_balance_thresholds: good } });
      expect(res.status).toBe(200);
      expect(res.body.data.settings.low_balance_thresholds).toEqual(good);
    }
    for (const bad of [[0], [100], [-5], [50, 50], [1, 2, 3, 4, 5, 6], ['50'], 50, [Number.NaN], {}]) {
      const res = await platform().patch(base(), { settings: { low_balance_thresholds: bad } });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'settings.low_balance_thresholds' });
    }
    const cleared = await platform().patch(base(), { settings: { low_balance_thresholds: null } });
    expect(cleared.body.data.settings.low_balance_thresholds).toBeUndefined();
  });

  it('no endpoint subscribed: crossings and exhaustion write no outbox rows at all', async () => {
    await subscribe(['wallet.topped_up']); // an endpoint, but not for these events
    const types = ['wallet.low_balance', 'budget.low_balance', 'budget.exhausted'];
    const rowsBefore = await outboxRows(types);
    await platform().patch(base(), { settings: { low_balance_thresholds: [50] } });
    await platform().patch(`${base()}/wallet`, { low_balance_threshold: ((await walletMicros()) - Math.round(callMicros / 2)) / 1e6 });
    const user = await f.newEndUser(`silent-${Date.now()}`);
    const b = `${base()}/end-users/${user.id}/budget`;
    await platform().post(b, { max_usd: (100 * callMicros) / 1e6 });
    // One call crosses 50 % of the budget and the wallet's threshold; then the budget runs dry and refuses.
    await platform().post(`${b}/debit`, { amount: (50 * callMicros - Math.round(callMicros / 2)) / 1e6 });
    expect((await call(user.key)).status).toBe(200);
    expect(await walletMicros()).toBeLessThan(Math.round((await platform().get(`${base()}/wallet`)).body.data.low_balance_threshold * 1e6));
    const left = (await platform().get(b)).body.data;
    await platform().post(`${b}/debit`, { amount: Math.round((left.max_usd - left.used_usd) * 1e6 - 1) / 1e6 });
    expect((await call(user.key)).status).toBe(402);
    expect(await outboxRows(types)).toBe(rowsBefore);
    const mark = await sql<{ m: string | null }>`SELECT exhausted_notified_id AS m FROM budgets WHERE end_user_id = ${user.id}`.execute(
      f.gw.ctx.store.db,
    );
    expect(mark.rows[0].m).toBeNull();
  });
});
