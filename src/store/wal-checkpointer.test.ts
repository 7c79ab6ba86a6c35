import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.js';

const walBytes = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

/**
 * Commits one small transaction per event-loop turn for `ms`, like the billing group commit under load,
 * with 200 µs of other work between commits (a server's event loop is not only committing).
 */
async function writeFor(store: Store, ms: number, onTurn: () => void): Promise<number> {
  const db = store.sqlite!;
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const batch = db.transaction(() => {
    for (let i = 0; i < 20; i++) insert.run('x'.repeat(300));
  });
  const until = Date.now() + ms;
  let commits = 0;
  while (Date.now() < until) {
    batch.immediate();
    commits++;
    onTurn();
    const workUntil = performance.now() + 0.2;
    while (performance.now() < workUntil);
    await new Promise((r) => setImmediate(r));
  }
  return commits;
}

describe('WAL checkpoints in a worker thread', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the WAL bounded under sustained commits, truncates it when idle, and stops with the store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assistiv-wal-'));
    const file = join(dir, 'assistiv.sqlite');
    const restartAbovePages = 256;
    const store = openStore({ dataDir: dir, walCheckpoints: { intervalMs: 20, restartAbovePages } });
    expect(store.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const checkpointer = store.walCheckpointer!;
    expect(checkpointer.isRunning).toBe(true);

    let maxWal = 0;
    const commits = await writeFor(store, 1500, () => {
      maxWal = Math.max(maxWal, walBytes(file));
    });
    const pageBytes = store.sqlite!.pragma('page_size', { simple: true }) as number;
    const writtenBytes = statSync(file).size;
    // Far more was written than the WAL ever held: it was checkpointed and restarted along the way.
    expect(commits).toBeGreaterThan(200);
    // Typically ~3 MiB here; the slack is for a shared machine that starves the worker thread for a while.
    expect(maxWal).toBeLessThanOrEqual(16 * restartAbovePages * pageBytes);
    expect(maxWal).toBeLessThan(writtenBytes / 2);
    expect(checkpointer.stats.restart).toBeGreaterThan(0);
    expect(checkpointer.stats.passive).toBeGreaterThan(10);

    // Idle: the next checkpoints catch up and truncate the WAL to nothing.
    for (let i = 0; i < 100 && (walBytes(file) > 0 || checkpointer.stats.truncate === 0); i++) await new Promise((r) => setTimeout(r, 20));
    expect(walBytes(file)).toBe(0);
    expect(checkpointer.stats.truncate).toBeGreaterThan(0);

    await store.close();
    expect(checkpointer.isRunning).toBe(false);
    expect(store.sqlite!.open).toBe(false);
  });

  it('without the worker (auto-checkpoint off) the WAL would only grow', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assistiv-wal-'));
    const file = join(dir, 'assistiv.sqlite');
    const store = openStore({ dataDir: dir });
    await store.walCheckpointer!.stop();
    const before = walBytes(file);
    await writeFor(store, 300, () => undefined);
    const grown = walBytes(file);
    await new Promise((r) => setTimeout(r, 250));
    expect(grown).toBeGreaterThan(before);
    expect(walBytes(file)).toBe(grown);
    await store.close();
  });
});
