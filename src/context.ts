/** What every module gets: configuration, storage, secrets, auth and a clock tests can move. */
import type { BillingEngineHandle } from './billing/engine.js';
import type { Config } from './config.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { AuthService } from './http/auth.js';
import type { InFlight } from './in-flight.js';
import type { LogWriter } from './inference/core/log-writer.js';
import type { RateLimiterHandle } from './ratelimit/index.js';
import type { BackgroundJobs } from './store/background-jobs.js';
import type { Store } from './store/database.js';

export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

export type AppContext = {
  config: Config;
  store: Store;
  secretBox: SecretBox;
  auth: AuthService;
  clock: Clock;
  /** Cross-cutting change notifications (cache invalidation); Redis fan-out can subscribe later. */
  events: import('node:events').EventEmitter;
  /** Per-end-user rpm/tpm/rpd admission (spec §5 step 3), plus shutdown for the process. */
  rateLimiter: RateLimiterHandle;
  /** Inference calls being handled here (shutdown waits for them; a call may reserve after its client left). */
  inferenceCalls: InFlight;
  /** Batched request-log writes; readers on this instance flush first. */
  requestLogs: LogWriter;
  /** Reservations and settlements (a BillingEngine, plus the sweeper and shutdown for the process). */
  billing: BillingEngineHandle;
  /** Periodic work run on one instance of the deployment at a time (sweeper, retention, webhook delivery), and what it did here. */
  jobs: BackgroundJobs;
};

/** ISO-8601 UTC from the context's clock. */
export function nowIso(ctx: { clock: Clock }): string {
  return new Date(ctx.clock.now()).toISOString();
}
