/**
 * Starts a real gateway on 127.0.0.1 (port chosen at run time) with a fresh database: a temp SQLite
 * file, or a fresh PostgreSQL database created on the test server and dropped on close. During the secrets scan
 * (test/global-setup.ts) it logs at debug to the scan directory and its data is scanned before it is deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ServerRole } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext, Clock } from '../../src/context.js';
import { generateKey } from '../../src/crypto/api-keys.js';
import { createGateway } from '../../src/gateway.js';
import type { WebhookWorkerOptions } from '../../src/webhooks/index.js';
import { gatewayLogStream, installFetchRecorder, registerKey, scanDataDir, scanDir, scanPostgres } from '../secret-scan/recorder.js';
import { postgresUrl } from './suites.js';

installFetchRecorder();

export type TestGateway = {
  url: string;
  adminKey: string;
  ctx: AppContext;
  dialect: 'sqlite' | 'postgres';
  /** The environment this gateway was configured with: another instance started with it shares its database. */
  env: Record<string, string>;
  close(): Promise<void>;
};

async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!postgresUrl) throw new Error('ASSISTIV_TEST_DATABASE_URL is not set');
  const name = `assistiv_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropPgDatabase(name),
  };
}

/** Drops a test database, ending its sessions (every test database goes through here). */
export async function dropPgDatabase(name: string): Promise<void> {
  if (!postgresUrl) throw new Error('ASSISTIV_TEST_DATABASE_URL is not set');
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    // FORCE cannot end a backend of another role (an autovacuum worker that just started on the new
    // database): that one finishes within moments, so try again briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        break;
      } catch (err) {
        if (attempt >= 20 || !/pg_signal_backend|being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await c.end();
  }
}

export async function startTestGateway(
  opts: {
    dialect?: 'sqlite' | 'postgres';
    clock?: Clock;
    env?: Record<string, string>;
    role?: ServerRole;
    /** Another instance on the same PostgreSQL database (same admin and encryption keys); it owns the database. */
    sameDatabaseAs?: TestGateway;
    /** Webhook delivery worker overrides (a short backoff). */
    webhooks?: Partial<WebhookWorkerOptions>;
  } = {},
): Promise<TestGateway> {
  const dialect = opts.sameDatabaseAs?.dialect ?? opts.dialect ?? 'sqlite';
  if (opts.sameDatabaseAs && dialect !== 'postgres') throw new Error('only PostgreSQL databases can be shared by two gateways');
  const dataDir = mkdtempSync(join(tmpdir(), 'assistiv-test-'));
  const pgDb = dialect === 'postgres' && !opts.sameDatabaseAs ? await createPgDatabase() : null;
  const adminKey = opts.sameDatabaseAs?.adminKey ?? generateKey('admin');
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    ASSISTIV_ADMIN_KEY: adminKey,
    LOG_LEVEL: scanDir ? 'debug' : 'silent',
    ...(pgDb && { DATABASE_URL: pgDb.url, ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
    ...opts.sameDatabaseAs?.env,
    ...opts.env,
  };
  registerKey('admin', env.ASSISTIV_ADMIN_KEY);
  const config = loadConfig({ ...env, ASSISTIV_DATA_DIR: dataDir });
  const log = gatewayLogStream();
  const gateway = await createGateway(config, { clock: opts.clock, role: opts.role, logStream: log?.stream, webhooks: opts.webhooks });
  const address = await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    adminKey,
    ctx: gateway.ctx,
    dialect,
    env,
    async close() {
      const label = `the ${dialect} gateway at ${address}`;
      scanDataDir(dataDir, label); // while open: the WAL still holds recent writes
      await gateway.close();
      await log?.close();
      scanDataDir(dataDir, label);
      if (pgDb) await scanPostgres(pgDb.url, label);
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
