/**
 * Request log rows of calls that move no money (`rejected` by a rate limit or a 402, and the rare release
 * whose own transaction failed), written in small batches (design §3). Rows of admitted calls are written by
 * the billing engine in the settle or release transaction, so a crash never separates a debit from its
 * row; one lost from this queue records a refusal only. Reads on this instance flush first, so a client
 * never misses its own last call.
 */
import type { Store } from '../../store/database.js';
import type { RequestLogsTable } from '../../store/schema.js';

/** One multi-row INSERT stays well under SQLite's and PostgreSQL's parameter limits (25 columns each). */
const MAX_BATCH_ROWS = 200;
/** How long a row may wait for company before it is written. */
const FLUSH_DELAY_MS = 25;
/** Bound on rows held while the database is unreachable. */
const MAX_PENDING_ROWS = 50_000;

export class LogWriter {
  private pending: RequestLogsTable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {}

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
