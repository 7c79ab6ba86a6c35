/**
 * SQLite only: management writes made in a transaction (read, then write) wait for the write lock instead of
 * failing. A checkpoint worker holding the lock for TRUNCATE made deferred transactions fail at once with
 * SQLITE_BUSY, answered as 500 (found by the management fuzzer). Here a second connection takes the write
 * lock over and over while llm-configs are patched in transactions: every call must succeed.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';

const lockHolder = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 50 });
const pause = new Int32Array(new SharedArrayBuffer(4));
let checkpoints = 0;
let stop = false;
parentPort.on('message', () => { stop = true; });
const loop = () => {
  const until = Date.now() + 20;
  while (Date.now() < until) { try { db.pragma('wal_checkpoint(TRUNCATE)'); checkpoints++; } catch {} Atomics.wait(pause, 0, 0, 1); }
  if (stop) { db.close(); parentPort.postMessage(checkpoints); } else setImmediate(loop);
};
loop();
`;

describe('SQLite write transactions under a busy checkpointer', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'sqlite' });
  });
  afterAll(() => gw?.close());

  it('answers every transactional write while another connection keeps taking the write lock', async () => {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
    const api = client(gw.url, platformKey);
    const admin = client(gw.url, gw.adminKey);
    const providerId = (await admin.get('/v1/admin/providers')).body.data.find((p: { slug: string }) => p.slug === 'openai').id;
    const config = await api.post(`/v1/platforms/${platformId}/llm-configs`, { provider_id: providerId, api_key: 'sk-lock-test' });
    const worker = new Worker(lockHolder, {
      eval: true,
      workerData: { file: join(gw.ctx.config.dataDir, 'assistiv.sqlite'), driver: require.resolve('better-sqlite3') },
    });
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 150; i++) {
        const res = await api.patch(`/v1/platforms/${platformId}/llm-configs/${config.body.data.id}`, { is_default: true, priority: i });
        statuses.push(res.status);
      }
    } finally {
      worker.postMessage('stop');
    }
    const checkpoints = await new Promise<number>((resolve) => worker.once('message', resolve));
    expect(checkpoints).toBeGreaterThan(100);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect((await api.get(`/v1/platforms/${platformId}/llm-configs/${config.body.data.id}`)).body.data.priority).toBe(149);
  });
});
