/**
 * The only place that writes SSE text to the client (style rule 10). Honours backpressure. Frames written
 * in the same tick (the events of one upstream read) leave in one socket write: the socket is corked at the
 * first frame and uncorked on the next tick, so a burst costs one syscall instead of one per frame, and a
 * frame never waits longer than the current tick.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

export class SseWriter {
  private corked = false;

  constructor(private readonly res: ServerResponse) {}

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes one `data:` frame; waits for the socket to drain when its buffer is full. */
  async data(payload: string): Promise<void> {
    if (!this.open) return;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(this.uncork);
    }
    if (this.res.write(`data: ${payload}\n\n`)) return;
    await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
  }

  end(): void {
    if (this.open) this.res.end();
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.res.uncork();
  };
}
