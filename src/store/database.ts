/** Opens the configured database: SQLite in the data dir by default, PostgreSQL with DATABASE_URL. */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { WalCheckpointer, type WalCheckpointOptions } from './wal-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';

export type Store = {
  db: Kysely<Database>;
  /** Read by store and billing only: what differs per database lives behind a named helper here or in billing. */
  dialect: Dialect;
  /**
   * The query locking the rows it selects until the transaction ends: FOR UPDATE on PostgreSQL; unchanged on
   * SQLite, whose write transactions (begin immediate) already exclude every other writer.
   */
  forUpdate<Q extends { forUpdate(): Q }>(query: Q): Q;
  /** The raw SQLite handle, for the synchronous money transactions of the hot path. */
  sqlite: SQLite.Database | null;
  /** SQLite: the worker thread that checkpoints the WAL (null on PostgreSQL and for in-memory databases). */
  walCheckpointer: WalCheckpointer | null;
  close(): Promise<void>;
};

/** How operator messages and /readyz name the database: `sqlite` or `postgres`. */
export function describeDatabase(store: Store): string {
  return store.dialect;
}

// BIGINT columns hold µUSD; JS numbers are exact far beyond any real balance.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Kysely's SQLite transactions begin IMMEDIATE (write lock first, waiting up to busy_timeout). A deferred
 * transaction that reads and then writes fails at once with SQLITE_BUSY, without waiting, whenever the
 * checkpoint worker holds the lock for a RESTART or TRUNCATE: management writes answered 500 (found by the
 * management fuzzer).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/** The money function's calls (two statement texts): the only statements the hot path sends on every request. */
const PREPARED_PREFIX = 'SELECT * FROM assistiv_billing(';

/**
 * A pg client that sends the money function's calls as named prepared statements: each server session parses
 * and plans them once, not at every call (issue 14: about a tenth of the database's CPU per call). Everything
 * else goes as before (unnamed). Off for PgBouncer in transaction mode before 1.21, which cannot route a
 * prepared statement to the session that prepared it (DATABASE_PREPARED_STATEMENTS=off).
 */
class PreparingClient extends pg.Client {
  private static readonly names = new Map<string, string>();

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() is heavily overloaded; only (text, values) is rewritten.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && callback === undefined && config.startsWith(PREPARED_PREFIX))
      return super.query({ name: PreparingClient.nameOf(config), text: config, values });
    return super.query(config, values, callback);
  }

  /** One name per distinct text, stable across sessions and instances. */
  private static nameOf(text: string): string {
    let name = PreparingClient.names.get(text);
    if (name === undefined) {
      name = `assistiv_billing_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
      PreparingClient.names.set(text, name);
    }
    return name;
  }
}

/** SQLite's own default, restored if the checkpoint worker fails. */
const AUTOCHECKPOINT_PAGES = 1000;

export function openStore(opts: {
  databaseUrl?: string;
  dataDir: string;
  sqliteFile?: string;
  walCheckpoints?: WalCheckpointOptions;
  /** PostgreSQL: the money function's calls as named prepared statements (default true). */
  preparedStatements?: boolean;
}): Store {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 20,
      ...(opts.preparedStatements !== false && { Client: PreparingClient }),
    });
    // An idle connection the server closes (restart, failover, admin kill) must not crash the process:
    // the pool drops it and the next query opens a fresh one.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      forUpdate: (query) => query.forUpdate(),
      sqlite: null,
      walCheckpointer: null,
      close: () => db.destroy(),
    };
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const file = opts.sqliteFile ?? join(opts.dataDir, 'assistiv.sqlite');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash; only an OS crash may lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  let walCheckpointer: WalCheckpointer | null = null;
  if (!sqlite.memory) {
    // Checkpoints (and their fsyncs) run in a worker thread, never inside a commit on the event loop.
    sqlite.pragma('wal_autocheckpoint = 0');
    walCheckpointer = new WalCheckpointer(file, opts.walCheckpoints ?? {}, (err) => {
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      process.stderr.write(`assistiv: ${err.message}; SQLite checkpoints on commit again\n`);
    });
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    forUpdate: (query) => query,
    sqlite,
    walCheckpointer,
    async close() {
      // The worker's connection closes first: the last one to close checkpoints and removes the WAL.
      await walCheckpointer?.stop();
      await db.destroy();
      // Kysely closes the handle only if it ever ran a query.
      if (sqlite.open) sqlite.close();
    },
  };
}
