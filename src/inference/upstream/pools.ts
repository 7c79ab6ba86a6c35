/** One undici connection pool per upstream origin, kept alive across calls; the only sockets we open. */
import { Pool } from 'undici';

/**
 * A streaming answer holds its connection for its whole life (pipelining is off), so the cap must sit
 * above the concurrent streams one instance serves (the benchmark runs 1,000); it exists to stop a
 * runaway from exhausting file descriptors, not to queue normal traffic.
 */
export const CONNECTIONS_PER_ORIGIN = 2048;

/**
 * No pipelining: LLM answers take seconds to minutes, and a request queued behind one on the same
 * socket would wait for it (head-of-line blocking). Parallel connections are cheap by comparison.
 */
export const PIPELINING = 1;

/** Idle sockets are kept this long for reuse: under the 60 s idle cut of common provider load balancers. */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Upper bound when a server's `keep-alive: timeout=` hint asks for longer. */
export const KEEP_ALIVE_MAX_TIMEOUT_MS = 60_000;

/** Distinct (origin, connect timeout) pairs kept; beyond this the oldest pool is closed (rule 12: bounded). */
export const MAX_POOLS = 256;

const pools = new Map<string, Pool>();

export function poolFor(origin: string, connectTimeoutMs: number): Pool {
  const key = `${origin} ${connectTimeoutMs}`;
  const existing = pools.get(key);
  if (existing !== undefined && !existing.closed && !existing.destroyed) return existing;
  if (pools.size >= MAX_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value ?? [];
    if (oldestKey !== undefined) pools.delete(oldestKey);
    void oldest?.close().catch(() => undefined); // finishes its in-flight requests first
  }
  const pool = new Pool(origin, {
    connections: CONNECTIONS_PER_ORIGIN,
    pipelining: PIPELINING,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MAX_TIMEOUT_MS,
    connect: { timeout: connectTimeoutMs },
  });
  pools.set(key, pool);
  return pool;
}

/** Closes every pool (graceful shutdown, tests): waits for in-flight requests. */
export async function closeUpstreamPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.close().catch(() => undefined)));
}
