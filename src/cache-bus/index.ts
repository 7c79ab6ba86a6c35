/**
 * Cross-instance cache invalidation over Redis pub/sub (REDIS_URL). Every change that some instance's
 * in-memory cache holds (key revocation, end-user or platform suspension, llm-configs, model routes and
 * providers, rate limits) is announced on the app's local event bus or through AuthService.invalidateAll;
 * this bus publishes those announcements on one channel, and each other instance replays them on its own
 * bus, so its caches drop the entries within a Redis round trip. The caches' 1 s TTL stays as the fallback
 * for a lost message: a Redis outage only slows invalidation back down to the TTL, never stops traffic.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AppContext } from '../context.js';
import { limitsChangedEvent } from '../ratelimit/index.js';

/** Events every instance must see; their arguments are plain JSON (ids, or { platformId, endUserId }). */
export const sharedEvents = ['catalogue.changed', 'llm-configs.changed', 'platform.changed', limitsChangedEvent] as const;

/** The auth cache is not on the event bus: its invalidation travels under this name. */
const AUTH_EVENT = 'auth.invalidated';

export const cacheBusDefaults = {
  channel: 'assistiv:cache-invalidation',
  /** Start-up waits at most this long for the subscription: past it the instance serves on the TTL alone. */
  subscribeTimeoutMs: 2_000,
};

type Message = { from: string; event: string; args: unknown[] };

export type CacheBus = {
  /** This process's id on the channel (its own messages are ignored). */
  instanceId: string;
  /** Messages received from other instances and applied (for tests and /metrics). */
  received(): number;
  close(): Promise<void>;
};

export async function startCacheBus(
  ctx: AppContext,
  redisUrl: string,
  onError: (err: unknown) => void,
  options: Partial<typeof cacheBusDefaults> = {},
): Promise<CacheBus> {
  const o = { ...cacheBusDefaults, ...options };
  const instanceId = randomUUID();
  // Publishing never queues while Redis is away: a lost message costs at most one TTL, a queue costs memory.
  const pub = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = new Redis(redisUrl);
  pub.on('error', onError);
  sub.on('error', onError);
  let received = 0;
  // Replaying a remote message emits locally; this flag keeps that emit from being published again.
  let replaying = false;

  const publish = (event: string, args: unknown[]) => {
    if (replaying) return;
    const message: Message = { from: instanceId, event, args };
    pub.publish(o.channel, JSON.stringify(message)).catch(onError);
  };

  /** Events whose listeners take "no argument" as "drop everything" (the rate-limit cache needs a platform: its TTL covers it). */
  const dropAllEvents = ['catalogue.changed', 'llm-configs.changed', 'platform.changed'];

  /** Applies a change locally without publishing it again; a listener's error is reported, never thrown into Redis's client. */
  const replay = (apply: () => void) => {
    replaying = true;
    try {
      apply();
    } catch (err) {
      onError(err);
    } finally {
      replaying = false;
    }
  };

  const dropEverything = () =>
    replay(() => {
      ctx.auth.invalidateAll();
      for (const event of dropAllEvents) ctx.events.emit(event);
    });

  const listeners = sharedEvents.map((event) => {
    const listener = (...args: unknown[]) => publish(event, args);
    ctx.events.on(event, listener);
    return { event, listener };
  });
  const stopAuthHook = ctx.auth.onInvalidate(() => publish(AUTH_EVENT, []));

  sub.on('message', (_channel: string, raw: string) => {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || message.from === instanceId) return;
    received++;
    replay(() => {
      if (message.event === AUTH_EVENT) ctx.auth.invalidateAll();
      else if ((sharedEvents as readonly string[]).includes(message.event)) {
        ctx.events.emit(message.event, ...(Array.isArray(message.args) ? message.args : []));
      }
    });
  });

  // Messages published while the subscription was down are lost: after a reconnect, drop every cache once.
  let readyCount = 0;
  sub.on('ready', () => {
    if (readyCount++ > 0) dropEverything();
  });

  // ioredis queues the SUBSCRIBE until connected and resubscribes by itself after a reconnect.
  const pubReady = new Promise<void>((resolve) => (pub.status === 'ready' ? resolve() : pub.once('ready', () => resolve())));
  const ready = Promise.all([sub.subscribe(o.channel), pubReady]).then(
    () => 'ok' as const,
    (err: unknown) => {
      onError(err);
      return 'failed' as const;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), o.subscribeTimeoutMs);
  });
  const outcome = await Promise.race([ready, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    onError(
      new Error(`cache invalidation: Redis did not answer within ${o.subscribeTimeoutMs} ms; caches rely on their TTL until it does`),
    );
  }

  return {
    instanceId,
    received: () => received,
    async close() {
      for (const { event, listener } of listeners) ctx.events.off(event, listener);
      stopAuthHook();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
