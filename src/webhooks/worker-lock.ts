/**
 * One delivery worker per deployment at a time: each tick runs under the store's deployment lock (an advisory
 * lock on PostgreSQL, so instances sharing the database take turns; on SQLite one process owns the database,
 * and its single worker never overlaps its own ticks). Per tick rather than held: an instance that enqueued an
 * event wakes its own worker, which takes the free lock and sends at once.
 */
import type { BackgroundJobs } from '../store/background-jobs.js';
import type { Store } from '../store/database.js';
import { withDeploymentLock } from '../store/deployment-lock.js';

/** An arbitrary constant naming "the webhook delivery worker" among advisory locks. */
const DELIVERY_LOCK_KEY = 727_150_913;

/** Runs `fn` when this instance holds the lock; null when another instance does. Counted in `jobs` (for /metrics). */
export function withDeliveryLock<T>(store: Store, fn: () => Promise<T>, jobs?: BackgroundJobs): Promise<T | null> {
  if (jobs) return jobs.withTickLock('webhook_delivery', DELIVERY_LOCK_KEY, fn);
  return withDeploymentLock(store, DELIVERY_LOCK_KEY, fn);
}
