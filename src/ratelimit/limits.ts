/**
 * Where a user's limits come from (spec §3): the user's override replaces the platform default as a whole;
 * without either, no limit applies. Reads and writes of the `rate_limits` table, and a short-lived cache
 * for the hot path (invalidated locally on change; other instances see a change within the TTL).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Limits } from './types.js';

export type Resolution = 'explicit' | 'default' | 'none';
export type ResolvedLimits = { limits: Limits; resolution: Resolution };

const noLimits: Limits = { rpm_limit: null, tpm_limit: null, rpd_limit: null };

/** The event the management routes emit after a change; payload: { platformId, endUserId? }. */
export const limitsChangedEvent = 'rate_limits.changed';
export type LimitsChanged = { platformId: string; endUserId?: string };

const pick = (r: Limits): Limits => ({ rpm_limit: r.rpm_limit, tpm_limit: r.tpm_limit, rpd_limit: r.rpd_limit });

/** One row per subject: a deterministic id makes concurrent PUTs an upsert on the primary key. */
const rateLimitRowId = (platformId: string, endUserId: string | null) => `rl:${platformId}:${endUserId ?? '*'}`;

/** The effective limits for one user, read from the database (no cache). */
export async function readLimits(db: Kysely<Database>, platformId: string, endUserId: string): Promise<ResolvedLimits> {
  const rows = await db
    .selectFrom('rate_limits')
    .select(['end_user_id', 'rpm_limit', 'tpm_limit', 'rpd_limit', 'updated_at'])
    .where('platform_id', '=', platformId)
    .where((eb) => eb.or([eb('end_user_id', '=', endUserId), eb('end_user_id', 'is', null)]))
    .orderBy('updated_at', 'desc')
    .execute();
  const override = rows.find((r) => r.end_user_id === endUserId);
  if (override) return { limits: pick(override), resolution: 'explicit' };
  const platformDefault = rows.find((r) => r.end_user_id === null);
  if (platformDefault) return { limits: pick(platformDefault), resolution: 'default' };
  return { limits: noLimits, resolution: 'none' };
}

/** The platform default row, or null when none was set. */
export async function readPlatformDefault(db: Kysely<Database>, platformId: string): Promise<(Limits & { updated_at: string }) | null> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['rpm_limit', 'tpm_limit', 'rpd_limit', 'updated_at'])
    .where('platform_id', '=', platformId)
    .where('end_user_id', 'is', null)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  return row ?? null;
}

/** Sets the limits of a subject (end user, or null = platform default), replacing every dimension. */
export async function writeLimits(
  db: Kysely<Database>,
  subject: { platformId: string; endUserId: string | null },
  limits: Limits,
  nowIso: string,
): Promise<void> {
  const id = rateLimitRowId(subject.platformId, subject.endUserId);
  // Inside the caller's transaction when given one (management writes its audit row in the same transaction).
  const inTransaction = (write: (trx: Kysely<Database>) => Promise<void>) =>
    db.isTransaction ? write(db) : db.transaction().execute(write);
  await inTransaction(async (trx) => {
    let stray = trx.deleteFrom('rate_limits').where('platform_id', '=', subject.platformId).where('id', '!=', id);
    stray = subject.endUserId === null ? stray.where('end_user_id', 'is', null) : stray.where('end_user_id', '=', subject.endUserId);
    await stray.execute();
    await trx
      .insertInto('rate_limits')
      .values({
        id,
        platform_id: subject.platformId,
        end_user_id: subject.endUserId,
        ...pick(limits),
        created_at: nowIso,
        updated_at: nowIso,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...pick(limits), updated_at: nowIso }))
      .execute();
  });
}

/** Removes a user's override (the platform default applies again). */
export async function deleteOverride(db: Kysely<Database>, platformId: string, endUserId: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('platform_id', '=', platformId).where('end_user_id', '=', endUserId).execute();
}

export type LimitsCacheOptions = {
  /** Bounds how long another instance's change goes unseen (spec: ≤ 1 s, like key revocation). */
  ttlMs: number;
  /** Bounded so many users cannot grow memory without limit. */
  maxEntries: number;
  now: () => number;
};

type Cached = { value: ResolvedLimits; expiresAtMs: number };

/** The hot path's view of limits: at most one database read per user per TTL, shared by concurrent calls. */
export class LimitsCache {
  private readonly entries = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<ResolvedLimits>>();
  /** Bumped on every invalidation, so a read that started before a change is not cached after it. */
  private generation = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: LimitsCacheOptions,
  ) {}

  async resolve(platformId: string, endUserId: string): Promise<ResolvedLimits> {
    const key = `${platformId}:${endUserId}`;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAtMs > this.opts.now()) return hit.value;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const read = readLimits(this.db, platformId, endUserId)
      .then((value) => {
        if (generation === this.generation) {
          this.entries.delete(key);
          if (this.entries.size >= this.opts.maxEntries) {
            const oldest = this.entries.keys().next().value;
            if (oldest !== undefined) this.entries.delete(oldest);
          }
          this.entries.set(key, { value, expiresAtMs: this.opts.now() + this.opts.ttlMs });
        }
        return value;
      })
      .finally(() => {
        if (this.inflight.get(key) === read) this.inflight.delete(key);
      });
    this.inflight.set(key, read);
    return read;
  }

  /** Forgets one user's limits, or every user's of a platform (its default changed). */
  invalidate(change: LimitsChanged): void {
    this.generation++;
    const prefix = `${change.platformId}:`;
    const exact = change.endUserId === undefined ? null : `${prefix}${change.endUserId}`;
    for (const map of [this.entries, this.inflight]) {
      for (const key of map.keys()) {
        if (exact === null ? key.startsWith(prefix) : key === exact) map.delete(key);
      }
    }
  }
}
