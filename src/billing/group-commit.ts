/**
 * Group commit for SQLite (design §10): money operations submitted during one event-loop turn are applied
 * in order inside ONE synchronous transaction, flushed by setImmediate; every promise resolves only after
 * that transaction committed, so no response is released before its money is durable. Each operation makes
 * its own conditional checks and returns a refusal as a value, so one refusal never fails the others; an
 * unexpected exception rolls the batch back and its operations are retried one transaction each, so only
 * the faulty one fails. `onCommit` / `onRollback` run after each transaction, before any promise settles
 * (the engine drops settled holds inside the transaction and restores them on a rollback). `onBegin` runs first
 * inside each transaction, once the write lock is held.
 */
import type SQLite from 'better-sqlite3';

type Pending<I, O> = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };

export class GroupCommit<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private scheduled = false;
  private closed = false;
  private readonly runBatch: SQLite.Transaction<(items: Array<Pending<I, O>>, nowMs: number) => O[]>;
  private readonly runOne: SQLite.Transaction<(input: I, nowMs: number) => O>;

  constructor(
    private readonly db: SQLite.Database,
    apply: (input: I, nowMs: number) => O,
    private readonly opts: {
      /** Bounds one transaction's length (and so the wait of the requests queued behind it). */
      maxBatch: number;
      now: () => number;
      onBegin?: () => void;
      onCommit?: () => void;
      onRollback?: () => void;
    },
  ) {
    const begin = opts.onBegin ?? (() => undefined);
    this.runBatch = db.transaction((items: Array<Pending<I, O>>, nowMs: number) => {
      begin();
      return items.map((p) => apply(p.input, nowMs));
    });
    this.runOne = db.transaction((input: I, nowMs: number) => {
      begin();
      return apply(input, nowMs);
    });
  }

  submit(input: I): Promise<O> {
    if (this.closed) return Promise.reject(new Error('billing engine is closed'));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.onTurn);
      }
    });
  }

  /** Applies everything queued now, synchronously (used at shutdown). */
  drain(): void {
    while (this.queue.length > 0 && this.db.open && !this.db.inTransaction) this.flushOnce();
  }

  close(): void {
    this.drain();
    this.closed = true;
  }

  private readonly onTurn = () => {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    // A Kysely transaction (management routes) is open on the shared handle: ours must not nest inside it.
    if (this.db.inTransaction) return this.reschedule();
    this.flushOnce();
    if (this.queue.length > 0) this.reschedule();
  };

  private reschedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.onTurn);
  }

  private flushOnce() {
    const batch = this.queue.length <= this.opts.maxBatch ? this.queue : this.queue.slice(0, this.opts.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
    const nowMs = this.opts.now();
    let results: O[];
    const { onCommit, onRollback } = this.opts;
    try {
      results = this.runBatch.immediate(batch, nowMs);
    } catch {
      onRollback?.();
      for (const p of batch) {
        let result: O;
        try {
          result = this.runOne.immediate(p.input, nowMs);
        } catch (err) {
          onRollback?.();
          p.reject(err);
          continue;
        }
        onCommit?.();
        p.resolve(result);
      }
      return;
    }
    onCommit?.();
    for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
  }
}
