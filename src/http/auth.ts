/**
 * Key → principal, for the three key kinds (spec §0). A known key is served from memory; entries live
 * `authCacheTtlMs` (1 s), which bounds how long a revocation takes to reach every instance, and a local
 * change (revoke, suspend, deactivate) clears the cache at once on this instance; with REDIS_URL the cache
 * bus (src/cache-bus) relays that clear to every other instance within a Redis round trip.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { MemberRole } from '../accounts/roles.js';
import { hashKey, kindOfKey } from '../crypto/api-keys.js';
import type { Store } from '../store/database.js';
import { ApiError, errors } from './errors.js';

/** A person signed in to the dashboard with a session cookie (spec §3b); operator members have no platform. */
export type MemberPrincipal = {
  kind: 'member';
  memberId: string;
  platformId: string | null;
  role: MemberRole;
  email: string;
  csrfToken: string;
};

export type Principal =
  | { kind: 'admin' }
  | { kind: 'platform'; platformId: string; keyId: string }
  | { kind: 'end_user'; platformId: string; endUserId: string; keyId: string }
  | MemberPrincipal;

export type PrincipalKind = Principal['kind'];

type CacheEntry = {
  principal: Principal & { kind: 'platform' | 'end_user' };
  expiresAtMs: number | null;
  platformActive: boolean;
  endUserActive: boolean;
  fetchedAtMs: number;
};

/** last_used_at is advisory: written at most once a minute per key, off the request's path. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export class AuthService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly adminKeyDigest: Buffer | null;
  private readonly invalidationListeners = new Set<() => void>();
  /** Bumped by every invalidation: a load that began before one must not put its stale row back. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    adminKeyHash: string | null,
    private readonly opts: { ttlMs: number; maxEntries: number; now: () => number },
  ) {
    this.adminKeyDigest = adminKeyHash ? Buffer.from(adminKeyHash, 'hex') : null;
  }

  /**
   * Resolves a raw key or throws 401/403 in the spec's order (§5 step 1): unknown key (401), then the key
   * kind the route takes and the route's own reach check, `reach` (403 `forbidden`), then the platform's and
   * the end user's state (403).
   */
  async authenticate(
    raw: string | undefined,
    allowed?: readonly PrincipalKind[],
    reach?: (principal: Principal) => void,
  ): Promise<Principal> {
    if (!raw) throw errors.invalidKey('Missing API key. Pass it as "Authorization: Bearer <key>".');
    const kind = kindOfKey(raw);
    if (!kind) throw errors.invalidKey('Malformed API key: keys start with sk-admin_, sk-plat_ or sk-eu_.');
    const hash = hashKey(raw);
    if (kind === 'admin') {
      // Digests of equal length compared in constant time: the answer time says nothing about the admin key.
      if (this.adminKeyDigest && timingSafeEqual(Buffer.from(hash, 'hex'), this.adminKeyDigest)) {
        const principal: Principal = { kind: 'admin' };
        if (allowed) requireKind(principal, allowed);
        reach?.(principal);
        return principal;
      }
      throw errors.invalidKey();
    }
    const now = this.opts.now();
    let entry = this.cache.get(hash);
    if (!entry || now - entry.fetchedAtMs > this.opts.ttlMs) {
      const loaded = await this.load(hash, now);
      if (!loaded) throw errors.invalidKey();
      entry = loaded;
    }
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= now) throw errors.invalidKey('This API key has expired.');
    if (allowed) requireKind(entry.principal, allowed);
    reach?.(entry.principal);
    if (!entry.platformActive) throw errors.forbidden('This platform is suspended.', 'platform_suspended');
    if (!entry.endUserActive) throw errors.forbidden('This end user is inactive.', 'end_user_inactive');
    return entry.principal;
  }

  /** Drops every cached key: called after any revoke, suspend, deactivate or delete on this instance. */
  invalidateAll(): void {
    this.generation++;
    this.cache.clear();
    for (const listener of this.invalidationListeners) listener();
  }

  /** Called after every invalidateAll (the cache bus publishes it); returns the unsubscribe. */
  onInvalidate(listener: () => void): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  private async load(hash: string, now: number): Promise<CacheEntry | null> {
    const generation = this.generation;
    const row = await this.store.db
      .selectFrom('api_keys as k')
      .innerJoin('platforms as p', 'p.id', 'k.platform_id')
      .leftJoin('end_users as u', 'u.id', 'k.end_user_id')
      .select([
        'k.id',
        'k.kind',
        'k.platform_id',
        'k.end_user_id',
        'k.expires_at',
        'k.last_used_at',
        'p.is_active as platform_active',
        'u.is_active as end_user_active',
      ])
      .where('k.key_hash', '=', hash)
      .where('k.is_active', '=', 1)
      .executeTakeFirst();
    this.cache.delete(hash);
    if (!row) return null;
    const principal: CacheEntry['principal'] =
      row.kind === 'end_user' && row.end_user_id
        ? { kind: 'end_user', platformId: row.platform_id, endUserId: row.end_user_id, keyId: row.id }
        : { kind: 'platform', platformId: row.platform_id, keyId: row.id };
    const entry: CacheEntry = {
      principal,
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : null,
      platformActive: Number(row.platform_active) === 1,
      endUserActive: row.kind !== 'end_user' || Number(row.end_user_active) === 1,
      fetchedAtMs: now,
    };
    if (generation === this.generation) {
      if (this.cache.size >= this.opts.maxEntries) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(hash, entry);
    }
    this.touch(row.id, row.last_used_at, now);
    return entry;
  }

  private touch(keyId: string, lastUsedAt: string | null, now: number): void {
    const last = this.lastUsedWrites.get(keyId) ?? (lastUsedAt ? Date.parse(lastUsedAt) : 0);
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWrites.set(keyId, now);
    if (this.lastUsedWrites.size > this.opts.maxEntries) this.lastUsedWrites.clear();
    this.store.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', keyId)
      .execute()
      .catch(() => undefined);
  }
}

/** The bearer key, or for inference also `x-api-key` (the Anthropic SDK's habit). */
export function keyFromRequest(req: FastifyRequest, allowXApiKey: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : '';
  }
  if (allowXApiKey) {
    const x = req.headers['x-api-key'];
    if (typeof x === 'string') return x.trim();
  }
  return undefined;
}

/** Throws the spec's 403 when a key of the wrong kind reaches a route. */
export function requireKind<K extends PrincipalKind>(
  principal: Principal,
  allowed: readonly K[],
): asserts principal is Extract<Principal, { kind: K }> {
  if (!(allowed as readonly string[]).includes(principal.kind)) {
    const what = { admin: 'an admin key', platform: 'a platform key', end_user: 'an end-user key', member: 'a dashboard session' };
    throw new ApiError(
      403,
      'forbidden',
      `This route cannot be called with ${what[principal.kind]}; it needs ${allowed.map((k) => what[k]).join(' or ')}.`,
    );
  }
}
