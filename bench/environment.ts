/**
 * One gateway's environment for a run: a temp data dir (embedded SQLite), or with a PostgreSQL server URL
 * (DATABASE_URL, or a private cluster from postgres-cluster.ts) a fresh database created on that server for
 * this run and dropped after it, plus generated keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type BenchEnvironment = {
  dialect: 'sqlite' | 'postgres';
  adminKey: string;
  /** Passed to the gateway process (and to `ledger verify`). */
  env: Record<string, string>;
  cleanup(): Promise<void>;
};

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function prepareEnvironment(opts: { keep: boolean; serverUrl?: string }): Promise<BenchEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assistiv-bench-'));
  const adminKey = `sk-admin_${randomBytes(24).toString('hex')}`;
  const env: Record<string, string> = { ASSISTIV_DATA_DIR: dataDir, ASSISTIV_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' };
  const serverUrl = opts.serverUrl;
  let dropDatabase = async () => {};
  let kept = dataDir;
  if (serverUrl) {
    const name = `assistiv_bench_${randomBytes(6).toString('hex')}`;
    await admin(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    env.ASSISTIV_ENCRYPTION_KEY = process.env.ASSISTIV_ENCRYPTION_KEY || randomBytes(32).toString('base64');
    dropDatabase = () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    kept = `PostgreSQL database ${name}`;
  }
  return {
    dialect: serverUrl ? 'postgres' : 'sqlite',
    adminKey,
    env,
    async cleanup() {
      if (opts.keep) {
        process.stdout.write(`Kept the gateway's data: ${kept}\n`);
        return;
      }
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
