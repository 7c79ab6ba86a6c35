/**
 * Sign-in back-off (spec §3b), per email and per client IP. After `freeFailures` wrong passwords in a row
 * (forgotten after `windowMs` without one), each further failure locks sign-in for that email or IP for a
 * doubling time (30 s, 60 s, … capped at 15 min); a locked attempt is a 429 with Retry-After, answered before
 * any password is checked. A success clears its email's count; the IP's count only fades with time.
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import type { Database } from '../store/schema.js';

const limits = {
  email: { freeFailures: 5 },
  /** Higher: many people may share one office or NAT address. */
  ip: { freeFailures: 20 },
};
const windowMs = 15 * 60 * 1000;
const firstLockMs = 30_000;
const maxLockMs = 15 * 60 * 1000;

const keysOf = (email: string, ip: string) => [
  { key: `email:${email.toLowerCase()}`, ...limits.email },
  { key: `ip:${ip}`, ...limits.ip },
];

/** Throws 429 when the email or the IP is locked. */
export async function refuseIfLocked(ctx: AppContext, email: string, ip: string): Promise<void> {
  const now = ctx.clock.now();
  const rows = await ctx.store.db
    .selectFrom('sign_in_attempts')
    .select(['blocked_until'])
    .where(
      'key',
      'in',
      keysOf(email, ip).map((k) => k.key),
    )
    .execute();
  const until = Math.max(0, ...rows.map((r) => (r.blocked_until ? Date.parse(r.blocked_until) : 0)));
  if (until > now) {
    const seconds = Math.ceil((until - now) / 1000);
    throw new ApiError(429, 'rate_limit_exceeded', `Too many failed sign-ins. Try again in ${seconds} s.`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}

/** Counts a wrong password; `alsoInTransaction` (the failed sign-in's audit rows) commits with the counts or not at all. */
export async function recordFailure(
  ctx: AppContext,
  email: string,
  ip: string,
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const now = ctx.clock.now();
  // Counts past their window and lock are forgotten: the table holds only recent failures.
  const stale = new Date(now - Math.max(windowMs, maxLockMs)).toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sign_in_attempts').where('last_failure_at', '<', stale).execute();
    for (const { key, freeFailures } of keysOf(email, ip)) {
      const row = await trx.selectFrom('sign_in_attempts').selectAll().where('key', '=', key).executeTakeFirst();
      const failures = row && now - Date.parse(row.last_failure_at) < windowMs ? row.failures + 1 : 1;
      const over = failures - freeFailures;
      const blockedUntil = over > 0 ? new Date(now + Math.min(maxLockMs, firstLockMs * 2 ** Math.min(over - 1, 10))).toISOString() : null;
      const values = { failures, last_failure_at: new Date(now).toISOString(), blocked_until: blockedUntil };
      await trx
        .insertInto('sign_in_attempts')
        .values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    }
    await alsoInTransaction?.(trx);
  });
}

export async function recordSuccess(ctx: AppContext, email: string): Promise<void> {
  await ctx.store.db.deleteFrom('sign_in_attempts').where('key', '=', keysOf(email, '')[0].key).execute();
}
