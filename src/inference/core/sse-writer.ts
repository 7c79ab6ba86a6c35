/** The only place that writes SSE text to the client (style rule 10). Honours backpressure. */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { SseFrame } from '../ingress/types.js';

export class SseWriter {
  /** One shared wait for 'close': a listener per backpressure wait would pile up on a slow reader. */
  private closed: Promise<unknown> | null = null;

  constructor(private readonly res: ServerResponse) {}

  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  /**
   * Writes one `data:` frame. Returns a promise only when the socket's buffer is full (await it: it settles
   * on drain or close), so the common case costs no extra microtask per chunk.
   */
  data(payload: string): Promise<unknown> | undefined {
    return this.write(`data: ${payload}\n\n`);
  }

  /** Writes frames (an `event:` line when named, then `data:`) in one write; same backpressure rule as `data`. */
  frames(frames: readonly SseFrame[]): Promise<unknown> | undefined {
    if (frames.length === 0) return undefined;
    let text = '';
    for (const frame of frames)
      text += frame.event === undefined ? `data: ${frame.data}\n\n` : `event: ${frame.event}\ndata: ${frame.data}\n\n`;
    return this.write(text);
  }

  private write(text: string): Promise<unknown> | undefined {
    if (!this.open) return undefined;
    if (this.res.write(text)) return undefined;
    this.closed ??= once(this.res, 'close').catch(() => undefined);
    return Promise.race([once(this.res, 'drain'), this.closed]);
  }

  end(): void {
    if (this.open) this.res.end();
  }
}
