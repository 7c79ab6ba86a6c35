/**
 * One delivery worker per deployment at a time. PostgreSQL: each tick holds a session advisory lock on one
 * reserved connection (released at the end of the tick, or by the server when the process dies), so
 * instances sharing the database take turns. SQLite: the database belongs to one serving process, whose
 * single worker never overlaps its own ticks.
 */
import { sql } from 'kysely';
import type { Store } from '../store/database.js';

/** An arbitrary constant naming "the webhook delivery worker" among advisory locks. */
const DELIVERY_LOCK_KEY = 727_150_913;

/** Runs `fn` when this instance holds the lock; null when another instance does. */
export async function withDeliveryLock<T>(store: Store, fn: () => Promise<T>): Promise<T | null> {
  if (store.dialect !== 'postgres') return fn();
  return store.db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${DELIVERY_LOCK_KEY}) as locked`.execute(conn);
    if (!rows[0]?.locked) return null;
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${DELIVERY_LOCK_KEY})`.execute(conn);
    }
  });
}
