/**
 * A one-way cancellation flag, used where an AbortController would be: the client's disconnect and each
 * upstream call. undici takes it as a request `signal` (an EventEmitter with `aborted` and an 'abort'
 * event). Two AbortControllers and their listeners cost ~9 µs of CPU per call (EventTarget machinery);
 * this costs ~0.4 µs (BENCHMARKS.md, issue 14).
 */
import { EventEmitter } from 'node:events';

export class Cancellation extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }

  /** A cancellation that is already aborted. */
  static aborted(): Cancellation {
    const c = new Cancellation();
    c.aborted = true;
    return c;
  }
}
