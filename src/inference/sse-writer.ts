/** The only place that writes SSE text to the client (style rule 10). Honours backpressure. */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /** Writes one `data:` frame; waits for the socket to drain when its buffer is full. */
  async data(payload: string): Promise<void> {
    if (!this.open) return;
    if (this.res.write(`data: ${payload}\n\n`)) return;
    await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
  }

  end(): void {
    if (this.open) this.res.end();
  }
}
