/**
 * Inference calls this process is handling, counted from the handler's first line to its last. A hold is
 * not enough to know a call is done: a call whose client left may not have reserved yet (it is still
 * parsing a large body, say) and reserves a moment later. Shutdown waits for these calls before it waits
 * for holds, and so do tests before they read the money.
 */
export class InFlightCalls {
  private running = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.running;
  }

  enter(): void {
    this.running += 1;
  }

  leave(): void {
    this.running -= 1;
    if (this.running > 0 || this.waiters.length === 0) return;
    for (const wake of this.waiters) wake();
    this.waiters = [];
  }

  /** Resolves with 0 once no call runs, or with the number still running after timeoutMs. */
  whenIdle(timeoutMs: number): Promise<number> {
    if (this.running === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timeout = setTimeout(() => resolve(this.running), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timeout);
        resolve(0);
      });
    });
  }
}
