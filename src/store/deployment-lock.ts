/**
 * A lock one instance of the deployment holds at a time, for work that must not run twice at once (a background
 * worker). PostgreSQL: a session advisory lock on one reserved connection, released when `fn` ends (or by the
 * server when the process dies), so instances sharing the database take turns. SQLite: the database belongs
 * to one serving process, so that process always holds it.
 */
import { sql } from 'kysely';
import type { Store } from './database.js';

/** Runs `fn` while this instance holds lock `key` (a constant naming the work); null when another instance does. */
export async function withDeploymentLock<T>(store: Store, key: number, fn: () => Promise<T>): Promise<T | null> {
  if (store.dialect !== 'postgres') return fn();
  return store.db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
    if (!rows[0]?.locked) return null;
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}
