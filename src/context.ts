/** What every module gets: configuration, storage, secrets, auth and a clock tests can move. */
import type { Config } from './config.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { AuthService } from './http/auth.js';
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
};

/** ISO-8601 UTC from the context's clock. */
export function nowIso(ctx: { clock: Clock }): string {
  return new Date(ctx.clock.now()).toISOString();
}
