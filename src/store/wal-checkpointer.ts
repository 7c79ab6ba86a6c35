/**
 * WAL checkpoints off the event loop (BENCHMARKS.md: auto-checkpoints ran their fsyncs inside the committing
 * call, 25–30 % of the billing commit's wall time). The request connection sets `wal_autocheckpoint = 0`; a
 * worker thread with its own connection to the same file runs `wal_checkpoint(PASSIVE)` every interval
 * (never blocks a writer), `RESTART` when the WAL has grown past a bound (so it cannot grow without limit
 * under sustained writes: this briefly holds writers back), and `TRUNCATE` once the database goes idle.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type WalCheckpointOptions = {
  /** How often the worker checkpoints (default 100 ms: about what 1,000 pages of writes take under load). */
  intervalMs?: number;
  /** Above this many WAL pages a RESTART checkpoint runs (default 4,096 pages: 16 MiB at 4 KiB pages). */
  restartAbovePages?: number;
};

/** What the worker last saw (pages in the WAL, the most it has seen), and how many checkpoints it ran by mode. */
export type WalCheckpointStats = {
  logPages: number;
  maxLogPages: number;
  passive: number;
  restart: number;
  truncate: number;
  busy: number;
};

const DEFAULT_INTERVAL_MS = 100;
const DEFAULT_RESTART_ABOVE_PAGES = 4096;
/** The worker waits at most this long for the write lock (RESTART, TRUNCATE), then retries next interval. */
const BUSY_TIMEOUT_MS = 50;
/** close() waits this long for the worker to finish its checkpoint before terminating it. */
const STOP_TIMEOUT_MS = 5000;

// CommonJS run by the worker (eval): no TypeScript loader needed in the thread.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
const stats = { logPages: 0, maxLogPages: 0, passive: 0, restart: 0, truncate: 0, busy: 0 };
let lastLog = -1;
const checkpoint = (mode) => {
  const r = db.pragma('wal_checkpoint(' + mode + ')')[0];
  stats[mode.toLowerCase()]++;
  if (r.busy) stats.busy++;
  return r;
};
const tick = () => {
  const r = checkpoint('PASSIVE');
  stats.logPages = r.log;
  if (r.log > stats.maxLogPages) stats.maxLogPages = r.log;
  // Idle (nothing written since the last tick, all of it checkpointed): give the disk space back.
  if (r.log > 0 && r.log === lastLog && r.checkpointed === r.log) checkpoint('TRUNCATE');
  // Under sustained writes a passive checkpoint never quite catches up, so the WAL never starts over by itself.
  else if (r.log > workerData.restartAbovePages) checkpoint('RESTART');
  lastLog = r.log;
  parentPort.postMessage(stats);
};
const timer = setInterval(() => {
  try { tick(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = true;
  private last: WalCheckpointStats = { logPages: 0, maxLogPages: 0, passive: 0, restart: 0, truncate: 0, busy: 0 };

  /** onFailure: the worker failed or died; the caller turns auto-checkpoints back on. */
  constructor(file: string, opts: WalCheckpointOptions, onFailure: (err: Error) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS,
        restartAbovePages: opts.restartAbovePages ?? DEFAULT_RESTART_ABOVE_PAGES,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
      },
    });
    // Never keeps the process alive; close() stops it.
    this.worker.unref();
    this.worker.on('message', (m: WalCheckpointStats | { error: string }) => {
      if ('error' in m) onFailure(new Error(`WAL checkpoint failed: ${m.error}`));
      else this.last = m;
    });
    this.worker.on('error', (err) => onFailure(err));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (this.running) onFailure(new Error(`the WAL checkpoint worker exited (code ${code})`));
        this.running = false;
        resolve();
      }),
    );
  }

  get isRunning(): boolean {
    return this.running;
  }

  get stats(): WalCheckpointStats {
    return this.last;
  }

  /** Stops the worker and waits for it (its connection closes first, so the request connection closes last). */
  async stop(): Promise<void> {
    if (!this.running) return this.exited;
    this.running = false;
    this.worker.postMessage('stop');
    const timer = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
