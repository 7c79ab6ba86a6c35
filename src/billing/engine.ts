/**
 * The money engine (design §4): reservations are pending transfers, resolved exactly once by settle
 * (post), release (void) or the sweeper (timeout). Picks the dialect's implementation and runs the sweeper
 * on PostgreSQL. On SQLite holds live in the one serving process's memory: a crash loses them together with
 * their requests, having debited nothing, so there is nothing to sweep (docs/decisions.md).
 */
import type { EventEmitter } from 'node:events';
import type { Clock } from '../context.js';
import { InFlight } from '../in-flight.js';
import type { BackgroundJobs } from '../store/background-jobs.js';
import type { Store } from '../store/database.js';
import type { RequestLogsTable } from '../store/schema.js';
import { wakeWebhookWorker } from '../webhooks/index.js';
import { type BillingAccounts, createAccounts } from './accounts.js';
import type { MemoryHolds } from './balances.js';
import { PostgresBillingEngine } from './engine-postgres.js';
import { SqliteBillingEngine } from './engine-sqlite.js';
import type { BillingEngine, Reservation, ReserveRequest, ReserveResult, Settled, SettleInput } from './engine-types.js';
import { MarkupCache } from './markup-cache.js';

export type BillingEngineOptions = {
  /** How long a reservation may stay open before the sweeper voids it: longer than any request runs (default 10 min). */
  reservationTtlMs?: number;
  /** How often the sweeper looks for expired reservations (default 60 s). */
  sweepIntervalMs?: number;
  /** SQLite group commit: the most operations in one transaction (default 1,000). */
  maxBatch?: number;
  /** Sweeper failures are reported here (the sweeper keeps running). */
  onSweepError?: (err: unknown) => void;
};

/** Longer than any call may run (the gateway passes config.reservationTtlMs, 1 h by default). */
const DEFAULT_RESERVATION_TTL_MS = 60 * 60_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/** One sweep releases at most this many reservations per round, and runs at most this many rounds. */
const SWEEP_PAGE = 500;
const SWEEP_ROUNDS_MAX = 100;
/** An arbitrary constant naming "the reservation sweeper" among advisory locks (each background job has its own). */
const SWEEPER_LOCK_KEY = 727_150_914;

export type BillingEngineHandle = BillingEngine &
  BillingAccounts & {
    /** Voids a reservation by request id (the sweeper's path); false when it was already resolved. */
    releaseById(requestId: string): Promise<boolean>;
    /** Releases every reservation whose expires_at has passed; returns how many (always 0 on SQLite). */
    sweep(): Promise<number>;
    /**
     * Starts serving: on PostgreSQL sweeps now and then every sweepIntervalMs (unref'd: never keeps the
     * process alive) — given `jobs`, as its background job, on one instance of the deployment at a time; on
     * SQLite takes the database's owner lock (throws when another process bills it).
     */
    startSweeper(jobs?: BackgroundJobs): void;
    /**
     * µUSD this process holds in memory on the platform's wallet (SQLite; 0 on PostgreSQL, whose holds are
     * in `wallets.reserved_micros`). For billing's own checks and the tests' audits: readers outside billing
     * use balances(), which adds it to the row's reserved amount.
     */
    heldFor(q: { platformId: string }): number;
    /** µUSD this process holds in memory on the budget (SQLite; 0 on PostgreSQL), like heldFor. */
    heldForBudget(budgetId: string): number;
    /** Wallet and budget rows the SQLite engine read from the file for reservations (its cache missed); null on PostgreSQL. */
    balanceRowReads(): number | null;
    /**
     * Resolves once every reservation this process took is resolved (settled or released), or after
     * timeoutMs; returns how many were still open. Graceful shutdown waits on it.
     */
    whenIdle(timeoutMs: number): Promise<number>;
    /** Stops the sweeper and commits whatever is queued. */
    close(): Promise<void>;
  };

export function createBillingEngine(
  deps: { store: Store; clock: Clock; events?: EventEmitter },
  options: BillingEngineOptions = {},
): BillingEngineHandle {
  const markups = new MarkupCache({ ttlMs: 1000, maxEntries: 100_000 });
  deps.events?.on('platform.changed', (platformId?: string) => markups.invalidate(platformId));
  const engineOpts = {
    reservationTtlMs: options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
    maxBatch: options.maxBatch ?? 1000,
    now: () => deps.clock.now(),
    onEventsCommitted: deps.events ? () => deps.events && wakeWebhookWorker({ events: deps.events }) : undefined,
  };
  const sqlite = deps.store.sqlite ? new SqliteBillingEngine(deps.store.sqlite, markups, engineOpts) : null;
  const impl = sqlite ?? new PostgresBillingEngine(deps.store.db, markups, engineOpts);
  const holds: MemoryHolds = {
    wallet: (platformId) => sqlite?.walletHeldMicros(platformId) ?? 0,
    budget: (budgetId) => sqlite?.budgetHeldMicros(budgetId) ?? 0,
  };
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<number> | null = null;
  // Reservations this process took and has not resolved: requests in flight here. The sweeper never voids
  // them (they are alive whatever their age), and shutdown waits for them.
  const open = new InFlight();

  const sweepOnce = async (): Promise<number> => {
    let released = 0;
    // This process's own requests stay in place (they are alive): later pages skip past them.
    let skipped = 0;
    for (let round = 0; round < SWEEP_ROUNDS_MAX; round++) {
      const nowIso = new Date(deps.clock.now()).toISOString();
      const expired = await deps.store.db
        .selectFrom('reservations')
        .select('request_id')
        .where('expires_at', '<=', nowIso)
        .orderBy('expires_at')
        .orderBy('request_id')
        .limit(SWEEP_PAGE)
        .offset(skipped)
        .execute();
      const others = expired.filter((r) => !open.has(r.request_id));
      skipped += expired.length - others.length;
      const results = await Promise.all(others.map((r) => impl.releaseById(r.request_id)));
      released += results.filter(Boolean).length;
      if (expired.length < SWEEP_PAGE) break;
    }
    return released;
  };

  const sweep = () => {
    if (sqlite) return Promise.resolve(0);
    // One sweep at a time: the interval and an explicit call never race each other.
    sweeping ??= sweepOnce().finally(() => {
      sweeping = null;
    });
    return sweeping;
  };

  const report = (err: unknown) => options.onSweepError?.(err);

  return {
    ...createAccounts({ store: deps.store, clock: deps.clock, holds }),
    reserve: (req: ReserveRequest): Promise<ReserveResult> =>
      impl.reserve(req).then((res) => {
        if (res.ok) open.add(req.requestId);
        return res;
      }),
    settle: (reservation: Reservation, input: SettleInput): Promise<Settled> =>
      impl.settle(reservation, input).finally(() => open.delete(reservation.requestId)),
    release: (reservation: Reservation, logRow?: RequestLogsTable) =>
      impl.release(reservation, logRow).finally(() => open.delete(reservation.requestId)),
    releaseById: (requestId: string) => impl.releaseById(requestId),
    sweep,
    heldFor: ({ platformId }) => holds.wallet(platformId),
    heldForBudget: holds.budget,
    balanceRowReads: () => sqlite?.balances.reads ?? null,
    startSweeper(jobs?: BackgroundJobs) {
      if (sqlite) return sqlite.start();
      if (timer) return;
      const intervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
      // The jobs' scheduler reports failures itself; jobs.stop() (before close()) ends its ticks.
      if (jobs) return jobs.schedule({ name: 'reservation_sweeper', lockKey: SWEEPER_LOCK_KEY, intervalMs, run: sweep });
      sweep().catch(report);
      timer = setInterval(() => sweep().catch(report), options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
      timer.unref();
    },
    whenIdle: (timeoutMs: number): Promise<number> => open.whenIdle(timeoutMs),
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await sweeping?.catch(() => 0);
      impl.close();
    },
  };
}
