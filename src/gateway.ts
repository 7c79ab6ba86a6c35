/** Starts a gateway from a configuration: storage, migrations, catalogue, secrets, app. Used by the CLI and tests. */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type AppModules, buildApp, newEventBus, type ServerRole } from './app.js';
import { createBillingEngine } from './billing/engine.js';
import { billingMigrations } from './billing/migrations.js';
import { startCacheBus } from './cache-bus/index.js';
import { seedCatalogue } from './catalogue/seed.js';
import type { Config } from './config.js';
import { type AppContext, type Clock, systemClock } from './context.js';
import { hashKey } from './crypto/api-keys.js';
import { SecretBox } from './crypto/secret-box.js';
import { AuthService } from './http/auth.js';
import { InFlight } from './in-flight.js';
import { LogWriter } from './inference/core/log-writer.js';
import type { InferenceDeps } from './inference/core/pipeline.js';
import { RouteCache } from './inference/core/route-cache.js';
import { registerInferenceRoutes } from './inference/routes.js';
import { createRateLimiter } from './ratelimit/index.js';
import { startRetention } from './retention/index.js';
import { type GatewaySecrets, resolveSecrets } from './secrets.js';
import { BackgroundJobs } from './store/background-jobs.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrations.js';
import { startWebhookWorker, type WebhookWorkerOptions } from './webhooks/index.js';

export type Gateway = {
  app: FastifyInstance;
  ctx: AppContext;
  secrets: GatewaySecrets;
  /**
   * Graceful stop: refuses new connections (and answers 503 to new requests on open ones), lets requests
   * in flight run for up to graceMs (default config.shutdownGraceMs), then cuts the rest (the pipeline
   * settles a cut stream as cancelled, billed for what was delivered); waits for every admitted request to
   * settle or release, then flushes the log writer and the billing engine and closes the store.
   */
  close(graceMs?: number): Promise<void>;
};

/** Connections whose stream ended are closed this often while draining (keep-alive would hold them open). */
const DRAIN_IDLE_CHECK_MS = 100;
/** After the last connection closed, how long cut requests may take to settle before the store closes. */
const SETTLE_AFTER_CLOSE_MS = 10_000;

/**
 * Connections that have not sent a byte yet (a client or load balancer that connected ahead of its request).
 * Node does not count them as idle, so without this a drain waited the whole grace for each one (found by the
 * money auditor's teardown: 30 s). Nothing was received on them, so closing them loses no request.
 */
function trackSilentConnections(server: Server): () => void {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return () => {
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };
}

/** Stops accepting, lets what is in flight finish until the deadline, then cuts it. */
async function stopServing(app: FastifyInstance, graceMs: number, closeSilent: () => void): Promise<void> {
  const server = app.server;
  const closed = app.close();
  const idle = setInterval(() => {
    server.closeIdleConnections();
    closeSilent();
  }, DRAIN_IDLE_CHECK_MS);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
}

export async function prepareStore(config: Config): Promise<Store> {
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    preparedStatements: config.databasePreparedStatements,
  });
  await migrateToLatest(store.db as never, billingMigrations);
  await seedCatalogue(store.db, new Date().toISOString());
  return store;
}

/** The services every module shares, built once per process (also by CLI commands that need them). */
export function createContext(config: Config, store: Store, secrets: GatewaySecrets, clock: Clock = systemClock): AppContext {
  const auth = new AuthService(store, hashKey(secrets.adminKey), {
    ttlMs: config.limits.authCacheTtlMs,
    maxEntries: config.limits.authCacheMaxEntries,
    now: () => clock.now(),
  });
  const requestLogs = new LogWriter(store, (err) => process.stderr.write(`assistiv: writing request logs failed: ${String(err)}\n`));
  const events = newEventBus();
  const billing = createBillingEngine(
    { store, clock, events },
    {
      reservationTtlMs: config.reservationTtlMs,
      sweepIntervalMs: config.reservationSweepIntervalMs,
      onSweepError: (err) => process.stderr.write(`assistiv: releasing expired reservations failed: ${String(err)}\n`),
    },
  );
  const rateLimiter = createRateLimiter({
    db: store.db,
    redisUrl: config.redisUrl,
    now: () => clock.now(),
    events,
    onError: (err) => process.stderr.write(`assistiv: rate limit store failed: ${String(err)}\n`),
  });
  const jobs = new BackgroundJobs({
    store,
    databaseUrl: config.databaseDirectUrl,
    onError: (job, err) => process.stderr.write(`assistiv: background job ${job} failed: ${String(err)}\n`),
  });
  const inferenceCalls = new InFlight();
  return {
    config,
    store,
    secretBox: new SecretBox(secrets.encryptionKey),
    auth,
    clock,
    events,
    inferenceCalls,
    requestLogs,
    billing,
    rateLimiter,
    jobs,
  };
}

export async function createGateway(
  config: Config,
  opts: {
    clock?: Clock;
    logger?: boolean;
    logStream?: AppModules['logStream'];
    role?: ServerRole;
    /** Delivery worker overrides (tests: a short backoff). */
    webhooks?: Partial<WebhookWorkerOptions>;
  } = {},
): Promise<Gateway> {
  const secrets = resolveSecrets(config);
  const store = await prepareStore(config);
  const clock = opts.clock ?? systemClock;
  const ctx = createContext(config, store, secrets, clock);
  const inference: InferenceDeps = { ctx, routes: new RouteCache(ctx, config.limits.authCacheTtlMs) };
  // With Redis, every instance's caches drop a changed key, user, platform or route within a round trip.
  const cacheBus = config.redisUrl
    ? await startCacheBus(ctx, config.redisUrl, (err) => process.stderr.write(`assistiv: cache invalidation (Redis): ${String(err)}\n`))
    : null;
  const app = await buildApp(ctx, {
    logger: opts.logger,
    logStream: opts.logStream,
    role: opts.role,
    extraRoutes: [(scope) => registerInferenceRoutes(scope, inference)],
  });
  ctx.billing.startSweeper(ctx.jobs);
  startRetention(ctx);
  const webhooks = startWebhookWorker(ctx, opts.webhooks);
  const closeSilent = trackSilentConnections(app.server);
  return {
    app,
    ctx,
    secrets,
    async close(graceMs = config.shutdownGraceMs) {
      await stopServing(app, graceMs, closeSilent);
      // A cut stream settles after its socket closed, and a call whose client left may still be reserving:
      // every call ends, and every admitted one resolves its hold, before the store closes.
      const running = await ctx.inferenceCalls.whenIdle(SETTLE_AFTER_CLOSE_MS);
      const unresolved = await ctx.billing.whenIdle(SETTLE_AFTER_CLOSE_MS);
      if (running > 0) process.stderr.write(`assistiv: stopping with ${running} inference call(s) still running\n`);
      if (unresolved > 0) process.stderr.write(`assistiv: stopping with ${unresolved} request(s) unsettled: nothing was billed for them\n`);
      // An attempt cut here is sent again after a restart (at-least-once): its row is still pending.
      await webhooks.stop();
      // Unlocks the jobs this instance ran: another instance's next tick takes them over.
      await ctx.jobs.stop();
      await ctx.requestLogs.flush();
      await ctx.billing.close();
      await cacheBus?.close();
      await ctx.rateLimiter.close();
      await store.close();
    },
  };
}
