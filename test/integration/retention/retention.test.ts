/**
 * Retention (issue 15), on both databases: the retention job deletes request logs older than
 * ASSISTIV_REQUEST_LOG_RETENTION_DAYS, idempotency records past their replay window and expired stored
 * responses, and webhook attempts and events past ASSISTIV_WEBHOOK_RETENTION_DAYS, in DELETEs of at most the
 * batch size; it never deletes a money record (wallet and budget
 * ledgers, wallets, budgets, reservations), and `ledger verify` stays clean after logs of billed calls went
 * (and still names a recent debit whose log row is missing). With no log retention set, logs are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { uuidv7 } from '../../../src/crypto/ids.js';
import { LOGS_PRUNED_THROUGH, pruneOnce } from '../../../src/retention/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { endUser, fundedPlatform, manualClock, plainLogRow, reserveRequest } from '../billing/fixtures.js';

const DAY = 86_400_000;
const START = '2026-01-01T00:00:00.000Z';

/** Every money record, to compare before and after a retention run. */
async function moneyRecords(gw: TestGateway) {
  const db = gw.ctx.store.db;
  return {
    wallets: await db.selectFrom('wallets').selectAll().orderBy('id').execute(),
    walletTx: await db.selectFrom('wallet_transactions').selectAll().orderBy('id').execute(),
    budgets: await db.selectFrom('budgets').selectAll().orderBy('id').execute(),
    budgetTx: await db.selectFrom('budget_transactions').selectAll().orderBy('id').execute(),
    reservations: await db.selectFrom('reservations').selectAll().orderBy('request_id').execute(),
  };
}

describe.each(dialects)('retention (%s)', (dialect) => {
  const clock = manualClock(START);
  let gw: TestGateway;
  let keep: TestGateway;

  beforeAll(async () => {
    // gw's scheduled run comes a day after start: the test runs pruneOnce itself. keep's runs every second.
    gw = await startTestGateway({
      dialect,
      clock,
      env: { ASSISTIV_REQUEST_LOG_RETENTION_DAYS: '30', ASSISTIV_RETENTION_INTERVAL_MS: String(DAY), ASSISTIV_RETENTION_BATCH_ROWS: '3' },
    });
    keep = await startTestGateway({ dialect, clock, env: { ASSISTIV_RETENTION_INTERVAL_MS: '1000' } });
  });
  afterAll(async () => {
    await gw?.close();
    await keep?.close();
  });

  /** Settles `count` billed calls at the clock's time (one reserved now, settled `settleAfterMs` later); returns their request ids. */
  async function billedCalls(
    target: TestGateway,
    p: Awaited<ReturnType<typeof fundedPlatform>>,
    userId: string,
    count: number,
    settleAfterMs = 0,
  ) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const req = reserveRequest(p.platformId, userId);
      const res = await target.ctx.billing.reserve(req);
      if (!res.ok) throw new Error(res.message);
      const startedMs = clock.now();
      clock.advance(settleAfterMs);
      await target.ctx.billing.settle(res.reservation, {
        costMicros: 1_000 + i,
        description: 'chat.completion gpt-4o',
        logRow: plainLogRow(req.requestId, p.platformId, userId, new Date(startedMs).toISOString()),
      });
      clock.advance(-settleAfterMs);
      ids.push(req.requestId);
    }
    return ids;
  }

  it('deletes exactly the logs past 30 days, expired idempotency records and responses, in batches of at most 3; money records stay', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 5 });
    const u = await endUser(p, 'retained', { max_usd: 5 });
    const db = gw.ctx.store.db;

    // Day 0: 7 billed calls and 1 unbilled (error) row; the last billed call settles 2 days after it started.
    clock.set(START);
    const old = await billedCalls(gw, p, u.endUserId, 6);
    const straddling = await billedCalls(gw, p, u.endUserId, 1, 2 * DAY);
    const oldError = plainLogRow(uuidv7(), p.platformId, u.endUserId, new Date(clock.now()).toISOString());
    await db
      .insertInto('request_logs')
      .values({ ...oldError, status: 'error', error_code: 'upstream_error' })
      .execute();
    // Day 20: 2 billed calls (10 days old at day 30+1: kept).
    clock.set(new Date(Date.parse(START) + 20 * DAY).toISOString());
    const recent = await billedCalls(gw, p, u.endUserId, 2);
    // Idempotency records: one 25 h old at the run, one 1 h old. Responses: one expired, one not.
    const runAt = Date.parse(START) + 31 * DAY;
    const idem = (key: string, ageMs: number) => ({
      scope: `platform:${p.platformId}`,
      key,
      route: 'POST /v1/x',
      body_hash: 'h',
      state: 'done' as const,
      response_status: 201,
      response_sealed: null,
      created_at: new Date(runAt - ageMs).toISOString(),
    });
    await db
      .insertInto('idempotency_keys')
      .values([idem('stale', 25 * 3_600_000), idem('fresh', 3_600_000)])
      .execute();
    const response = (id: string, expiresAtMs: number) => ({
      id,
      platform_id: p.platformId,
      end_user_id: null,
      model: 'gpt-4o',
      input_items: '[]',
      output_items: '[]',
      response: '{}',
      created_at: START,
      expires_at: new Date(expiresAtMs).toISOString(),
    });
    await db
      .insertInto('responses')
      .values([response('resp_expired', runAt - 1), response('resp_live', runAt + DAY)])
      .execute();
    const moneyBefore = await moneyRecords(gw);
    expect(moneyBefore.walletTx.filter((t) => t.type === 'llm_usage')).toHaveLength(9);

    clock.set(new Date(runAt).toISOString());
    // Two batches only: the 2 responses/idempotency tables take their own batches first, so bound the run tightly.
    const partial = await pruneOnce(gw.ctx, { maxBatches: 4 });
    expect(partial.batches.every((n) => n <= 3)).toBe(true);
    expect(partial.batches).toHaveLength(4);
    // responses: 1 (< 3, done); idempotency: 1 (done); logs: 3 + 3 of the 8 old rows, oldest first.
    expect(partial).toMatchObject({ responses: 1, idempotencyKeys: 1, requestLogs: 6, batches: [1, 1, 3, 3] });
    expect(await db.selectFrom('request_logs').select('id').where('created_at', '<', '2026-01-02').execute()).toHaveLength(2);

    const rest = await pruneOnce(gw.ctx);
    // Then the webhook deliveries and events (none here): one empty batch each.
    expect(rest).toMatchObject({ responses: 0, idempotencyKeys: 0, requestLogs: 2, batches: [0, 0, 2, 0, 0] });

    const logs = await db.selectFrom('request_logs').select('request_id').where('platform_id', '=', p.platformId).execute();
    expect(logs.map((l) => l.request_id).sort()).toEqual([...recent].sort());
    expect((await db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key)).toEqual(['fresh']);
    expect((await db.selectFrom('responses').select('id').execute()).map((r) => r.id)).toEqual(['resp_live']);
    // Not one money record deleted or changed.
    expect(await moneyRecords(gw)).toEqual(moneyBefore);
    // The watermark is the newest debit among pruned calls: the straddling call's settle, 2 days after it began.
    const mark = await db.selectFrom('gateway_settings').select('value').where('name', '=', LOGS_PRUNED_THROUGH).executeTakeFirstOrThrow();
    const straddleDebit = moneyBefore.walletTx.find((t) => t.request_id === straddling[0])!;
    expect(mark.value).toBe(straddleDebit.created_at);
    expect(old).toHaveLength(6);

    // The ledger verifies: pruned calls' debits are excused up to the watermark, and only those.
    const report = await verifyLedger(gw.ctx.store);
    expect(report.differences).toEqual([]);
    expect(report.checked).toMatchObject({ logs: 2, debits: 9 });
    // A recent debit whose log row is missing is still named.
    await db.deleteFrom('request_logs').where('request_id', '=', recent[0]).execute();
    const broken = await verifyLedger(gw.ctx.store);
    expect(broken.ok).toBe(false);
    expect(broken.differences.join('\n')).toContain(`request ${recent[0]}: llm_usage wallet debit`);
  });

  it('deletes webhook delivery attempts older than 30 days (never a pending one), and their events a retry window later', async () => {
    const db = gw.ctx.store.db;
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const runAt = Date.parse('2027-03-01T00:00:00.000Z');
    const at = (days: number) => runAt - days * DAY;
    const iso = (days: number) => new Date(at(days)).toISOString();
    // A UUIDv7 of that instant, as the worker's ids are (the tail tells the rows apart).
    const idAt = (days: number, tail: string) => {
      const hex = at(days).toString(16).padStart(12, '0');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7abc-8000-${tail.padStart(12, '0')}`;
    };
    const event = (id: string, days: number) => ({
      id,
      platform_id: p.platformId,
      event_type: 'ping',
      payload: '{}',
      created_at: iso(days),
    });
    await db
      .insertInto('webhook_events')
      .values([event('evt_33d', 33), event('evt_31d', 31), event('evt_1d', 1)])
      .execute();
    const delivery = (id: string, eventId: string, days: number, status: 'pending' | 'delivered' | 'failed') => ({
      id,
      platform_id: p.platformId,
      event_id: eventId,
      event_type: 'ping',
      endpoint_id: 'we_test',
      attempt: 1,
      status,
      next_retry_at: status === 'pending' ? iso(days) : null,
      retry_until: iso(days - 1),
      created_at: iso(days),
    });
    await db
      .insertInto('webhook_deliveries')
      .values([
        delivery(idAt(33, '1'), 'evt_33d', 33, 'failed'),
        delivery(idAt(32, '2'), 'evt_33d', 32, 'delivered'),
        delivery(idAt(31, '3'), 'evt_31d', 31, 'delivered'),
        delivery(idAt(30.01, '4'), 'evt_31d', 30.01, 'pending'), // cannot happen (24 h window); kept all the same
        delivery(idAt(29.99, '5'), 'evt_31d', 29.99, 'failed'),
        delivery(idAt(1, '6'), 'evt_1d', 1, 'pending'),
      ])
      .execute();

    // Earlier tests' movements (at 2026 clock times) left events without attempts (no endpoint subscribed): old too.
    const eventCutoff = new Date(at(32)).toISOString();
    const othersOld = await db
      .selectFrom('webhook_events')
      .select('id')
      .where('created_at', '<', eventCutoff)
      .where('id', 'not like', 'evt_%')
      .execute();

    const report = await pruneOnce({ ...gw.ctx, clock: { now: () => runAt } }, { batchRows: 2 });
    expect(report).toMatchObject({ webhookDeliveries: 3, webhookEvents: 1 + othersOld.length });
    // Deliveries in batches of 2 (2, 1) come after the log, idempotency and response batches; then the events.
    // (A drain ends at its first batch short of the limit: n events take floor(n / 2) + 1 batches.)
    const eventBatches = Math.floor((1 + othersOld.length) / 2) + 1;
    expect(report.batches.slice(-2 - eventBatches, -eventBatches)).toEqual([2, 1]);
    const left = await db.selectFrom('webhook_deliveries').select('id').where('platform_id', '=', p.platformId).orderBy('id').execute();
    expect(left.map((d) => d.id)).toEqual([idAt(30.01, '4'), idAt(29.99, '5'), idAt(1, '6')]);
    // evt_31d is younger than 30 days + two retry windows: kept with its last attempts.
    const events = await db.selectFrom('webhook_events').select('id').where('id', 'like', 'evt_%').orderBy('id').execute();
    expect(await db.selectFrom('webhook_events').select('id').where('created_at', '<', eventCutoff).execute()).toEqual([]);
    expect(events.map((e) => e.id)).toEqual(['evt_1d', 'evt_31d']);
    expect(report.batches.every((n) => n <= 2)).toBe(true);
  });

  it('without ASSISTIV_REQUEST_LOG_RETENTION_DAYS logs are kept forever; idempotency records still expire', async () => {
    clock.set(START);
    const p = await fundedPlatform(keep, { walletUsd: 1 });
    const u = await endUser(p, 'kept');
    await billedCalls(keep, p, u.endUserId, 4);
    clock.set(new Date(Date.parse(START) + 3650 * DAY).toISOString());
    const report = await pruneOnce(keep.ctx);
    expect(report.requestLogs).toBe(0);
    expect(await keep.ctx.store.db.selectFrom('request_logs').select('id').where('platform_id', '=', p.platformId).execute()).toHaveLength(
      4,
    );
    expect((await verifyLedger(keep.ctx.store)).ok).toBe(true);
  });

  it('the retention job runs on this instance (SQLite: the one serving process; PostgreSQL: it holds the lock) and shows in /metrics', async () => {
    let text = '';
    const value = (name: string, job: string) => Number(text.match(new RegExp(`^${name}\\{job="${job}"\\} (\\S+)$`, 'm'))?.[1]);
    // Its first run comes one interval (1 s) after start.
    for (const t0 = Date.now(); Date.now() - t0 < 10_000; ) {
      text = await (await fetch(`${keep.url}/metrics`)).text();
      if (value('assistiv_background_job_runs_total', 'retention') >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(value('assistiv_background_job_leader', 'retention')).toBe(1);
    expect(value('assistiv_background_job_runs_total', 'retention')).toBeGreaterThanOrEqual(1);
    expect(value('assistiv_background_job_failures_total', 'retention')).toBe(0);
    expect(value('assistiv_background_job_last_run_timestamp_seconds', 'retention')).toBeGreaterThan(0);
    expect(value('assistiv_background_job_runs_total', 'webhook_delivery')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^assistiv_instance_info\{instance_id="[^"]+:\d+"\} 1$/m);
    if (dialect === 'postgres') expect(value('assistiv_background_job_leader', 'reservation_sweeper')).toBe(1);
  });
});
