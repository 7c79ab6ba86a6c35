/**
 * Group commit for the PostgreSQL engine: per wallet (platform), at most one money call in flight from
 * this process; whatever reserve, settle and release calls arrive meanwhile go together in the next call
 * (one round trip, one transaction, one commit, one hand-over of the wallet's row lock). At low load a call
 * goes out at once, alone; under load the batches grow by themselves. If a batch fails as a whole, its
 * operations are retried one by one, so one bad operation fails only itself.
 */

export type Flush<Op, Result> = (key: string, ops: Op[]) => Promise<Result[]>;
export type Single<Op, Result> = (key: string, op: Op) => Promise<Result>;

type Pending<Op, Result> = { op: Op; resolve: (r: Result) => void; reject: (e: unknown) => void };

export class PgBatcher<Op, Result> {
  private readonly queues = new Map<string, Pending<Op, Result>[]>();
  private readonly running = new Set<string>();

  constructor(
    private readonly flushMany: Flush<Op, Result>,
    private readonly runOne: Single<Op, Result>,
    private readonly maxBatch: number,
  ) {}

  submit(key: string, op: Op): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = [];
        this.queues.set(key, queue);
      }
      queue.push({ op, resolve, reject });
      if (!this.running.has(key)) {
        this.running.add(key);
        // Let the operations submitted in this same turn join the first call.
        queueMicrotask(() => void this.drain(key));
      }
    });
  }

  private async drain(key: string): Promise<void> {
    try {
      for (;;) {
        const queue = this.queues.get(key);
        if (!queue || queue.length === 0) {
          this.queues.delete(key);
          return;
        }
        const batch = queue.splice(0, this.maxBatch);
        await this.run(key, batch);
      }
    } finally {
      this.running.delete(key);
    }
  }

  private async run(key: string, batch: Pending<Op, Result>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.flushMany(
          key,
          batch.map((p) => p.op),
        );
        if (results.length !== batch.length) throw new Error(`billing batch: ${results.length} results for ${batch.length} operations`);
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
        return;
      } catch {
        // The whole transaction rolled back: nothing of it happened. Each operation alone, in order.
      }
    }
    for (const p of batch) {
      try {
        p.resolve(await this.runOne(key, p.op));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
