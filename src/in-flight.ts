/**
 * Work this process has in flight, by id, with a wait for the moment none is left: graceful shutdown waits on
 * the inference calls still running (a call whose client left may still reserve) and on the reservations not
 * yet resolved, both through one of these.
 */
export class InFlight {
  private readonly ids = new Set<string>();
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
  }

  /** Ends `id`; the last one to end wakes every waiter. */
  delete(id: string): void {
    if (!this.ids.delete(id) || this.ids.size > 0 || this.waiters.length === 0) return;
    for (const wake of this.waiters) wake();
    this.waiters = [];
  }

  /** Resolves with 0 once nothing is in flight, or with the number still in flight after timeoutMs. */
  whenIdle(timeoutMs: number): Promise<number> {
    if (this.ids.size === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timeout = setTimeout(() => resolve(this.ids.size), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timeout);
        resolve(0);
      });
    });
  }
}
