/** Opens the configured database: SQLite in the data dir by default, PostgreSQL with DATABASE_URL. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export type Store = {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The raw SQLite handle, for the synchronous money transactions of the hot path. */
  sqlite: SQLite.Database | null;
  close(): Promise<void>;
};

// BIGINT columns hold µUSD; JS numbers are exact far beyond any real balance.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export function openStore(opts: { databaseUrl?: string; dataDir: string; sqliteFile?: string }): Store {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 20 });
    // An idle connection the server closes (restart, failover, admin kill) must not crash the process:
    // the pool drops it and the next query opens a fresh one.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqlite: null, close: () => db.destroy() };
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const file = opts.sqliteFile ?? join(opts.dataDir, 'assistiv.sqlite');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash; only an OS crash may lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}
