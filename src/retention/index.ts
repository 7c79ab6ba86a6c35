/**
 * Retention (issue 15, docs/scaling.md): a background job, run by one instance of the deployment at a time,
 * that deletes what is past its keep time — request logs older than ASSISTIV_REQUEST_LOG_RETENTION_DAYS (kept
 * forever when unset), idempotency records past their replay window, stored responses past `expires_at`, and
 * webhook delivery attempts older than ASSISTIV_WEBHOOK_RETENTION_DAYS (30), their events a retry window later.
 *
 * Each DELETE takes at most `batchRows` rows in its own short transaction, found through an index, and the job
 * yields between batches: no long locks, no long transactions, requests keep flowing. A run stops after
 * MAX_BATCHES_PER_RUN batches; the next run goes on. The money records (wallet and budget ledgers,
 * reservations, wallets, budgets) are never touched.
 *
 * A billed call's debit outlives its pruned log row: the batch that deletes log rows first raises the
 * `request_logs_pruned_through` watermark (gateway_settings) to the newest debit of those calls, in the same
 * transaction, and `ledger verify` excuses a usage debit without its log row only at or before that instant.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { Store } from '../store/database.js';
import { RETRY_WINDOW_MS } from '../webhooks/index.js';

/** An arbitrary constant naming "the retention job" among advisory locks (each background job has its own). */
const RETENTION_LOCK_KEY = 727_150_915;
/** Bounds one run's work (with the default 5,000-row batches: a million rows); the next run continues. */
const MAX_BATCHES_PER_RUN = 200;
/** The gateway_settings row ledger verify reads: usage debits up to this instant may have lost their log row. */
export const LOGS_PRUNED_THROUGH = 'request_logs_pruned_through';

const DAY_MS = 86_400_000;

export type RetentionReport = {
  requestLogs: number;
  idempotencyKeys: number;
  responses: number;
  webhookDeliveries: number;
  webhookEvents: number;
  /** Rows deleted by each DELETE, in order (each at most the batch size). */
  batches: number[];
};

type Deps = Pick<AppContext, 'store' | 'clock' | 'config'>;

/**
 * Schedules the retention job on ctx.jobs: every config.retention.intervalMs, on one instance at a time, the
 * first run one interval after start (nothing is urgent, and a start stays free of bulk deletes).
 */
export function startRetention(ctx: AppContext): void {
  ctx.jobs.schedule({
    name: 'retention',
    lockKey: RETENTION_LOCK_KEY,
    intervalMs: ctx.config.retention.intervalMs,
    firstTick: 'after-interval',
    run: () => pruneOnce(ctx),
  });
}

/** One retention run; `batchRows` and `maxBatches` default to the configuration and MAX_BATCHES_PER_RUN. */
export async function pruneOnce(deps: Deps, opts: { batchRows?: number; maxBatches?: number } = {}): Promise<RetentionReport> {
  const limit = opts.batchRows ?? deps.config.retention.batchRows;
  const report: RetentionReport = { requestLogs: 0, idempotencyKeys: 0, responses: 0, webhookDeliveries: 0, webhookEvents: 0, batches: [] };
  let budget = opts.maxBatches ?? MAX_BATCHES_PER_RUN;
  const nowMs = deps.clock.now();
  /** Runs `batch` until it deletes fewer than `limit` rows or the run's batches are spent; returns the rows. */
  const drain = async (batch: () => Promise<number>): Promise<number> => {
    let total = 0;
    while (budget > 0) {
      budget--;
      const n = await batch();
      report.batches.push(n);
      total += n;
      if (n < limit) break;
      // Lets requests waiting on the same rows or the event loop go first.
      await new Promise((r) => setImmediate(r));
    }
    return total;
  };
  const db = deps.store.db;

  // Expired stored responses (responses_expires_at index).
  const now = new Date(nowMs).toISOString();
  report.responses = await drain(async () =>
    deleted(
      await sql`DELETE FROM responses WHERE id IN (
        SELECT id FROM responses WHERE expires_at <= ${now} ORDER BY expires_at LIMIT ${limit})`.execute(db),
    ),
  );

  // Idempotency records past the replay window (a small table: a day of management writes).
  const idemCutoff = new Date(nowMs - deps.config.limits.idempotencyTtlMs).toISOString();
  report.idempotencyKeys = await drain(async () =>
    deleted(
      await sql`DELETE FROM idempotency_keys WHERE (scope, key) IN (
        SELECT scope, key FROM idempotency_keys WHERE created_at < ${idemCutoff} ORDER BY created_at LIMIT ${limit})`.execute(db),
    ),
  );

  const days = deps.config.retention.requestLogDays;
  if (days !== null) {
    const cutoff = new Date(nowMs - days * DAY_MS).toISOString();
    // Per platform, through the (platform_id, created_at) index: no scan of the whole table per batch (a
    // deleted platform's logs went with it).
    const platforms = await db.selectFrom('platforms').select('id').orderBy('id').execute();
    for (const { id } of platforms) {
      if (budget <= 0) break;
      report.requestLogs += await drain(() => pruneLogBatch(deps.store, id, cutoff, limit));
    }
  }

  // Webhook delivery attempts, by their UUIDv7 primary key (time-ordered: no other index needed). None of them is
  // still pending: attempts stop a retry window (24 h) after their event.
  const webhookCutoffMs = nowMs - deps.config.retention.webhookDays * DAY_MS;
  const firstIdToKeep = uuidv7Floor(webhookCutoffMs);
  report.webhookDeliveries = await drain(async () =>
    deleted(
      await sql`DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE id < ${firstIdToKeep} AND status <> 'pending' ORDER BY id LIMIT ${limit})`.execute(db),
    ),
  );
  // Their events (webhook_events_created index) once every attempt of them is past the cutoff: an event's last
  // attempt is created within the retry window (plus an attempt's lease) after it, so a margin of two windows.
  const eventCutoff = new Date(webhookCutoffMs - 2 * RETRY_WINDOW_MS).toISOString();
  report.webhookEvents = await drain(async () =>
    deleted(
      await sql`DELETE FROM webhook_events WHERE (platform_id, id) IN (
        SELECT platform_id, id FROM webhook_events WHERE created_at < ${eventCutoff} ORDER BY created_at LIMIT ${limit})`.execute(db),
    ),
  );
  return report;
}

/** Deletes up to `limit` of the platform's log rows created before `cutoff`, raising the watermark first. */
async function pruneLogBatch(store: Store, platformId: string, cutoff: string, limit: number): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('request_logs')
      .select(['id', 'request_id', 'created_at'])
      .where('platform_id', '=', platformId)
      .where('created_at', '<', cutoff)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const requestIds = rows.map((r) => r.request_id);
    // The newest debit of these calls (a call settles after it started, so possibly after the cutoff).
    const wallet = await trx
      .selectFrom('wallet_transactions')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('type', '=', 'llm_usage')
      .where('request_id', 'in', requestIds)
      .executeTakeFirst();
    const budget = await trx
      .selectFrom('budget_transactions')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('type', '=', 'usage')
      .where('request_id', 'in', requestIds)
      .executeTakeFirst();
    // ISO-8601 UTC strings: they order as text.
    let through = rows[rows.length - 1].created_at;
    for (const at of [wallet?.at, budget?.at]) if (at && at > through) through = at;
    const current = await trx.selectFrom('gateway_settings').select('value').where('name', '=', LOGS_PRUNED_THROUGH).executeTakeFirst();
    if (!current || current.value < through) {
      await trx
        .insertInto('gateway_settings')
        .values({ name: LOGS_PRUNED_THROUGH, value: through })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: through }))
        .execute();
    }
    const res = await trx
      .deleteFrom('request_logs')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  });
}

function deleted(result: { numAffectedRows?: bigint }): number {
  return Number(result.numAffectedRows ?? 0);
}

/** The smallest UUIDv7 of millisecond `ms`: every id generated at or after `ms` sorts at or above it (as text). */
function uuidv7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
