/**
 * The delivery worker: picks due pending deliveries from the outbox, signs and sends each, and records the
 * attempt. A failure schedules the next attempt as a new pending row (backoff with jitter) until the retry
 * window ends. Every bit of state is in the database, so a restart or a kill -9 loses nothing (at-least-once:
 * an attempt cut before it was recorded is sent again once its lease runs out).
 */
import type { Clock } from '../context.js';
import { uuidv7 } from '../crypto/ids.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { BackgroundJobs } from '../store/background-jobs.js';
import type { Store } from '../store/database.js';
import type { WebhookDeliveriesTable } from '../store/schema.js';
import { defaultRetryPolicy, type RetryPolicy, retryDelayMs } from './backoff.js';
import { openSecret } from './secrets.js';
import { createSender, type SendResult } from './send.js';
import { signedHeaders } from './signing.js';
import { withDeliveryLock } from './worker-lock.js';

export type WebhookWorkerOptions = {
  /** How often due deliveries are looked for when nobody wakes the worker (retries come due on their own). */
  pollIntervalMs: number;
  /** Attempts in flight at most: bounds sockets and memory; one slow endpoint does not hold up the others. */
  concurrency: number;
  /** Spec §6: 10 s per attempt. */
  timeoutMs: number;
  /** Of the receiver's answer, kept (trimmed) as the attempt's error when it is not a 2xx. */
  maxResponseBytes: number;
  retry: RetryPolicy;
};

export const defaultWorkerOptions: WebhookWorkerOptions = {
  pollIntervalMs: 1000,
  concurrency: 16,
  timeoutMs: 10_000,
  maxResponseBytes: 4096,
  retry: defaultRetryPolicy,
};

/** A claimed attempt is not due again before its timeout plus this: then it belongs to a dead process and is sent again. */
const LEASE_MARGIN_MS = 5000;

export type WorkerDeps = {
  store: Store;
  clock: Clock;
  secretBox: SecretBox;
  allowPrivateUrls: boolean;
  onError(err: unknown): void;
  /** Counts each tick as run or skipped (another instance held the delivery lock), for /metrics. */
  jobs?: BackgroundJobs;
};

type Due = Pick<
  WebhookDeliveriesTable,
  'id' | 'platform_id' | 'event_id' | 'event_type' | 'endpoint_id' | 'attempt' | 'next_retry_at' | 'retry_until'
> & {
  url: string;
  encrypted_secret: string;
  previous_encrypted_secret: string | null;
  previous_secret_expires_at: string | null;
  payload: string;
};

export class WebhookWorker {
  private readonly opts: WebhookWorkerOptions;
  private readonly sender;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private wokenWhileTicking = false;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: WorkerDeps,
    opts: Partial<WebhookWorkerOptions> = {},
  ) {
    this.opts = { ...defaultWorkerOptions, ...opts };
    this.sender = createSender({
      timeoutMs: this.opts.timeoutMs,
      allowPrivate: deps.allowPrivateUrls,
      maxResponseBytes: this.opts.maxResponseBytes,
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks for due deliveries now (after a commit that enqueued some) instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.wokenWhileTicking = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops claiming and waits for the attempts in flight (each ends within its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.ticking || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight, new Promise((r) => setTimeout(r, 10))]);
    }
    await this.sender.close();
  }

  /** Claims what is due (if this instance holds the delivery lock) and starts sending it; returns how many. */
  async runOnce(): Promise<number> {
    const capacity = this.opts.concurrency - this.inFlight.size;
    if (capacity <= 0) return 0;
    const claimed = (await withDeliveryLock(this.deps.store, () => this.claimDue(capacity), this.deps.jobs)) ?? [];
    for (const d of claimed) {
      const attempt: Promise<void> = this.attempt(d).finally(() => {
        this.inFlight.delete(attempt);
        // A full batch may have left more due: look again as soon as a slot frees.
        if (claimed.length === capacity) this.wake();
      });
      this.inFlight.add(attempt);
    }
    return claimed.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    this.ticking = true;
    try {
      await this.runOnce();
    } catch (err) {
      this.deps.onError(err);
    } finally {
      this.ticking = false;
    }
    const again = this.wokenWhileTicking;
    this.wokenWhileTicking = false;
    this.schedule(again ? 0 : this.opts.pollIntervalMs);
  }

  /**
   * Picks due pending attempts and leases them (their due time moves past the attempt's timeout), so no other
   * tick or instance sends them meanwhile; if this process dies, the lease runs out and they are sent again.
   */
  private async claimDue(limit: number): Promise<Due[]> {
    const nowMs = this.deps.clock.now();
    const now = new Date(nowMs).toISOString();
    const db = this.deps.store.db;
    const due = (await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .innerJoin('webhook_events as ev', (j) => j.onRef('ev.platform_id', '=', 'd.platform_id').onRef('ev.id', '=', 'd.event_id'))
      .select([
        'd.id',
        'd.platform_id',
        'd.event_id',
        'd.event_type',
        'd.endpoint_id',
        'd.attempt',
        'd.next_retry_at',
        'd.retry_until',
        'e.url',
        'e.encrypted_secret',
        'e.previous_encrypted_secret',
        'e.previous_secret_expires_at',
        'ev.payload',
      ])
      .where('d.status', '=', 'pending')
      .where('d.next_retry_at', '<=', now)
      .where('e.is_active', '=', 1)
      .orderBy('d.next_retry_at')
      .limit(limit)
      .execute()) as Due[];
    if (due.length === 0) return [];
    const leaseUntil = new Date(nowMs + this.opts.timeoutMs + LEASE_MARGIN_MS).toISOString();
    // Compare-and-set on the due time read: an attempt another instance claimed meanwhile is not taken twice.
    const claimed = await Promise.all(
      due.map(async (d) => {
        const res = await db
          .updateTable('webhook_deliveries')
          .set({ next_retry_at: leaseUntil })
          .where('id', '=', d.id)
          .where('status', '=', 'pending')
          .where('next_retry_at', '=', d.next_retry_at)
          .executeTakeFirst();
        return Number(res.numUpdatedRows) === 1 ? d : null;
      }),
    );
    return claimed.filter((d): d is Due => d !== null);
  }

  private async attempt(d: Due): Promise<void> {
    let result: SendResult;
    try {
      const nowMs = this.deps.clock.now();
      const headers = signedHeaders(this.secretsOf(d, nowMs), d.event_id, Math.floor(nowMs / 1000), d.payload);
      result = await this.sender.send(d.url, headers, d.payload);
    } catch (err) {
      // The sealed secret no longer opens (the master key changed): retrying cannot help, but it is recorded.
      result = { statusCode: null, latencyMs: 0, error: `signing failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    try {
      await this.record(d, result);
    } catch (err) {
      this.deps.onError(err);
    }
  }

  /** The current secret, and the previous one while its grace period runs: both sign during a rotation. */
  private secretsOf(d: Due, nowMs: number): string[] {
    const box = this.deps.secretBox;
    const secrets = [openSecret(box, d.encrypted_secret, d.platform_id, d.endpoint_id)];
    if (d.previous_encrypted_secret && d.previous_secret_expires_at && Date.parse(d.previous_secret_expires_at) > nowMs) {
      secrets.push(openSecret(box, d.previous_encrypted_secret, d.platform_id, d.endpoint_id));
    }
    return secrets;
  }

  private async record(d: Due, r: SendResult): Promise<void> {
    const nowMs = this.deps.clock.now();
    const now = new Date(nowMs).toISOString();
    const delivered = r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
    const nextMs = nowMs + retryDelayMs(this.opts.retry, d.attempt);
    const retry = !delivered && nextMs <= Date.parse(d.retry_until);
    const next = retry ? new Date(nextMs).toISOString() : null;
    await this.deps.store.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('webhook_deliveries')
        .set({
          status: delivered ? 'delivered' : retry ? 'retrying' : 'failed',
          status_code: r.statusCode,
          latency_ms: r.latencyMs,
          error: r.error,
          next_retry_at: next,
          delivered_at: delivered ? now : null,
          created_at: now,
        })
        .where('id', '=', d.id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (!next || Number(res.numUpdatedRows) === 0) return;
      await trx
        .insertInto('webhook_deliveries')
        .values({
          id: uuidv7(),
          platform_id: d.platform_id,
          event_id: d.event_id,
          event_type: d.event_type,
          endpoint_id: d.endpoint_id,
          attempt: d.attempt + 1,
          status: 'pending',
          next_retry_at: next,
          retry_until: d.retry_until,
          created_at: now,
        })
        .execute();
    });
  }
}
