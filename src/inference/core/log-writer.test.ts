import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/database.js';
import { migrateToLatest } from '../../store/migrations.js';
import type { LogBase } from './log-row.js';
import { logRow } from './log-row.js';
import { LogWriter } from './log-writer.js';

const base = (requestId: string): LogBase => ({
  requestId,
  requestType: 'chat.completion',
  warnings: [],
  platformId: 'p1',
  endUserId: null,
  model: 'm',
  stream: false,
  metadata: { tag: 'x' },
  startedAtMs: 0,
  createdAtMs: Date.parse('2026-01-01T00:00:00Z'),
});

describe('LogWriter on SQLite', () => {
  let dir: string;
  let store: Store;
  const errors: unknown[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assistiv-logs-'));
    store = openStore({ dataDir: dir });
    await migrateToLatest(store.db as never);
    errors.length = 0;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every queued row, each field as given, and skips a repeated request id', async () => {
    const logs = new LogWriter(store, (err) => errors.push(err));
    for (let i = 0; i < 450; i++) logs.add(logRow(base(`r${i}`), { status: 'success', latency_ms: i, cost_micros: i * 10 }));
    logs.add(logRow(base('r1'), { status: 'error', latency_ms: 1 }));
    await logs.flush();
    const rows = await store.db.selectFrom('request_logs').selectAll().orderBy('latency_ms').execute();
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(450);
    expect(rows[7]).toMatchObject({ request_id: 'r7', status: 'success', cost_micros: 70, metadata: '{"tag":"x"}', stream: 0 });
    expect(rows[7].created_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('queues behind a transaction open on the shared handle instead of writing inside it', async () => {
    const logs = new LogWriter(store, (err) => errors.push(err));
    await store.db
      .transaction()
      .execute(async (trx) => {
        logs.add(logRow(base('inside'), { status: 'success', latency_ms: 1 }));
        const flushed = logs.flush();
        await trx.selectFrom('request_logs').select('id').execute();
        throw Object.assign(new Error('rolled back'), { flushed });
      })
      .catch(async (err: { flushed: Promise<void> }) => err.flushed);
    const rows = await store.db.selectFrom('request_logs').select('request_id').execute();
    expect(rows.map((r) => r.request_id)).toEqual(['inside']);
  });
});
