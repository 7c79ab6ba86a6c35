/** Starts a gateway from a configuration: storage, migrations, catalogue, secrets, app. Used by the CLI and tests. */
import type { FastifyInstance } from 'fastify';
import { buildApp, newEventBus } from './app.js';
import { seedCatalogue } from './catalogue/seed.js';
import type { Config } from './config.js';
import { type AppContext, type Clock, systemClock } from './context.js';
import { hashKey } from './crypto/api-keys.js';
import { SecretBox } from './crypto/secret-box.js';
import { AuthService } from './http/auth.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrations.js';
import { type GatewaySecrets, resolveSecrets } from './secrets.js';

export type Gateway = {
  app: FastifyInstance;
  ctx: AppContext;
  secrets: GatewaySecrets;
  close(): Promise<void>;
};

export async function prepareStore(config: Config): Promise<Store> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(store.db as never);
  await seedCatalogue(store.db, new Date().toISOString());
  return store;
}

export async function createGateway(config: Config, opts: { clock?: Clock; logger?: boolean } = {}): Promise<Gateway> {
  const secrets = resolveSecrets(config);
  const store = await prepareStore(config);
  const clock = opts.clock ?? systemClock;
  const auth = new AuthService(store, hashKey(secrets.adminKey), {
    ttlMs: config.limits.authCacheTtlMs,
    maxEntries: config.limits.authCacheMaxEntries,
    now: () => clock.now(),
  });
  const ctx: AppContext = { config, store, secretBox: new SecretBox(secrets.encryptionKey), auth, clock, events: newEventBus() };
  const app = await buildApp(ctx, { logger: opts.logger });
  return {
    app,
    ctx,
    secrets,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
