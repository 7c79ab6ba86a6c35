/**
 * One money-writing process per embedded SQLite database: the engine holds reservations in memory, so a
 * second process (or a second engine in this one) billing the same file could overspend (docs/decisions.md).
 * The owner keeps an exclusive SQLite lock on `<database>.owner-lock`; the operating system drops it when the
 * process dies, so a crash never leaves a stale owner behind. Read-only tools (`ledger verify`) and
 * provisioning (`platform create`) never take it.
 */
import SQLite from 'better-sqlite3';

export class SqliteOwnerLock {
  private conn: SQLite.Database | null = null;

  constructor(private readonly databaseFile: string) {}

  /** Takes the lock (idempotent); throws when another engine or process owns the database. */
  acquire(): void {
    if (this.conn) return;
    const file = `${this.databaseFile}.owner-lock`;
    // timeout 0: fail at once rather than wait for an owner that stays up for days.
    const conn = new SQLite(file, { timeout: 0 });
    try {
      conn.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      conn.close();
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      if (!busy) throw err;
      throw new Error(
        `another gateway process already bills the SQLite database ${this.databaseFile} (it holds ${file}): ` +
          'the embedded database serves one process; use PostgreSQL (DATABASE_URL) to run several instances',
      );
    }
    this.conn = conn;
  }

  release(): void {
    this.conn?.close();
    this.conn = null;
  }
}
