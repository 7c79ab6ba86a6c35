/**
 * Request log rows, written in small batches after the response (design §3): the money is committed
 * before a request finishes; a crash may lose a log row's latency figure, never a debit. Reads on this
 * instance flush first, so a client never misses its own last call.
 */
import type SQLite from 'better-sqlite3';
import type { Store } from '../store/database.js';
import type { RequestLogsTable } from '../store/schema.js';

/** One multi-row INSERT stays well under SQLite's and PostgreSQL's parameter limits (25 columns each). */
const MAX_BATCH_ROWS = 200;
/** How long a row may wait for company before it is written. */
const FLUSH_DELAY_MS = 25;
/** Bound on rows held while the database is unreachable. */
const MAX_PENDING_ROWS = 50_000;

/** Every column of a log row, in the prepared statement's order. */
const COLUMNS = [
  'id',
  'request_id',
  'platform_id',
  'end_user_id',
  'request_type',
  'provider_id',
  'model',
  'provider_model_id',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'latency_ms',
  'ttft_ms',
  'cost_micros',
  'end_user_cost_micros',
  'status',
  'error_code',
  'error_message',
  'token_count_method',
  'billing_status',
  'fallback_from',
  'metadata',
  'created_at',
] as const satisfies ReadonlyArray<keyof RequestLogsTable>;

/**
 * SQLite: one prepared single-row INSERT run per row inside one synchronous transaction. A multi-row
 * INSERT built by Kysely is compiled and prepared afresh for each batch (its SQL changes with the row
 * count), which cost more CPU than writing the rows (benchmark profile, BENCHMARKS.md).
 */
function sqliteBatchInsert(db: SQLite.Database): (rows: RequestLogsTable[]) => void {
  const insert = db.prepare(
    `INSERT INTO request_logs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (request_id) DO NOTHING`,
  );
  const values = new Array<unknown>(COLUMNS.length);
  return db.transaction((rows: RequestLogsTable[]) => {
    for (const row of rows) {
      for (let i = 0; i < COLUMNS.length; i++) values[i] = row[COLUMNS[i]];
      insert.run(values);
    }
  });
}

export class LogWriter {
  private pending: RequestLogsTable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly insertSqlite: ((rows: RequestLogsTable[]) => void) | null;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {
    this.insertSqlite = store.sqlite ? sqliteBatchInsert(store.sqlite) : null;
  }

  add(row: RequestLogsTable): void {
    if (this.pending.length >= MAX_PENDING_ROWS) this.pending.shift();
    this.pending.push(row);
    if (this.pending.length >= MAX_BATCH_ROWS) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes everything queued so far (and waits for writes already under way). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const rows = this.pending;
    this.pending = [];
    this.inFlight = this.inFlight.then(async () => {
      for (let i = 0; i < rows.length; i += MAX_BATCH_ROWS) {
        // A Kysely transaction (management routes) may hold the shared SQLite handle: then queue behind it.
        if (this.insertSqlite && this.store.sqlite?.inTransaction === false) {
          try {
            this.insertSqlite(rows.slice(i, i + MAX_BATCH_ROWS));
          } catch (err) {
            this.onError(err);
          }
          continue;
        }
        try {
          // A repeated request id (a client-chosen x-request-id on a refused call) must not sink the batch.
          await this.store.db
            .insertInto('request_logs')
            .values(rows.slice(i, i + MAX_BATCH_ROWS))
            .onConflict((oc) => oc.column('request_id').doNothing())
            .execute();
        } catch (err) {
          this.onError(err);
        }
      }
    });
    return this.inFlight;
  }
}
