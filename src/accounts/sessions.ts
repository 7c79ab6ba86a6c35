/**
 * Dashboard sessions (spec §3b): an opaque cookie whose SHA-256 is the row's key, 12 h sliding, and a CSRF
 * token the client echoes in `x-csrf-token` on writes. Every request reads the member row, so removing or
 * deactivating a member ends its sessions at once.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { MemberPrincipal } from '../http/auth.js';
import { errors } from '../http/errors.js';
import type { Database } from '../store/schema.js';
import { newToken, sha256 } from './secrets.js';

export const sessionCookieName = 'assistiv_session';
export const sessionTtlMs = 12 * 60 * 60 * 1000;
/** The sliding expiry is written at most once a minute per session, not on every request. */
const slideWriteIntervalMs = 60_000;

/** The session cookie's value, if the request carries one. */
export function sessionCookieOf(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === sessionCookieName) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** `Secure` except on plain HTTP to a loopback host, where browsers would drop a Secure cookie. */
function cookieAttributes(req: FastifyRequest): string {
  const local = req.protocol === 'http' && ['localhost', '127.0.0.1', '[::1]'].includes(req.hostname);
  return `HttpOnly; SameSite=Strict; Path=/${local ? '' : '; Secure'}`;
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, value: string): void {
  reply.header('set-cookie', `${sessionCookieName}=${value}; ${cookieAttributes(req)}`);
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', `${sessionCookieName}=; Max-Age=0; ${cookieAttributes(req)}`);
}

/** Runs in the session write's transaction (the sign-in or sign-out audit row): if it throws, nothing is written. */
type AlsoInTransaction = (trx: Kysely<Database>) => Promise<void>;

/** Opens a session for a member; returns the cookie value (shown once) and the CSRF token. */
export async function openSession(
  ctx: AppContext,
  member: { id: string; platform_id: string | null },
  alsoInTransaction?: AlsoInTransaction,
) {
  const value = newToken();
  const csrfToken = newToken();
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    // Each sign-in sweeps sessions that ended, so the table holds only live ones (and those ended since).
    await trx.deleteFrom('member_sessions').where('expires_at', '<', new Date(now).toISOString()).execute();
    await trx
      .insertInto('member_sessions')
      .values({
        id_hash: sha256(value),
        member_id: member.id,
        platform_id: member.platform_id,
        csrf_token: csrfToken,
        expires_at: new Date(now + sessionTtlMs).toISOString(),
        created_at: new Date(now).toISOString(),
        last_seen_at: new Date(now).toISOString(),
      })
      .execute();
    await alsoInTransaction?.(trx);
  });
  return { value, csrfToken };
}

export async function closeSession(ctx: AppContext, value: string, alsoInTransaction?: AlsoInTransaction): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('member_sessions').where('id_hash', '=', sha256(value)).execute();
    await alsoInTransaction?.(trx);
  });
}

/** The member behind a session cookie (and whether its platform is active), or a 401; slides the expiry. */
export async function memberOfSession(ctx: AppContext, value: string): Promise<{ member: MemberPrincipal; platformActive: boolean }> {
  const now = ctx.clock.now();
  const idHash = sha256(value);
  const row = await ctx.store.db
    .selectFrom('member_sessions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .leftJoin('platforms as p', 'p.id', 'm.platform_id')
    .select([
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'm.id',
      'm.platform_id',
      'm.role',
      'm.email',
      'm.is_active',
      'm.accepted_at',
      'p.id as platform_found',
      'p.is_active as platform_active',
    ])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  const live = row && Date.parse(row.expires_at) > now && Number(row.is_active) === 1 && row.accepted_at !== null;
  if (!row || !live || (row.platform_id !== null && row.platform_found === null)) {
    throw errors.invalidKey('Your dashboard session has ended (signed out, expired or the member was removed). Sign in again.');
  }
  if (now - Date.parse(row.last_seen_at) >= slideWriteIntervalMs) {
    await ctx.store.db
      .updateTable('member_sessions')
      .set({ last_seen_at: new Date(now).toISOString(), expires_at: new Date(now + sessionTtlMs).toISOString() })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return {
    member: { kind: 'member', memberId: row.id, platformId: row.platform_id, role: row.role, email: row.email, csrfToken: row.csrf_token },
    platformActive: row.platform_id === null || Number(row.platform_active) === 1,
  };
}

/** Cookie-authenticated writes must echo the session's CSRF token (spec §3b). */
export function requireCsrf(req: FastifyRequest, principal: MemberPrincipal): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
  const sent = req.headers['x-csrf-token'];
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  const expected = Buffer.from(principal.csrfToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw errors.forbidden(
      'This write needs the x-csrf-token header your session was issued with (sign-in and GET /v1/auth/me return it).',
    );
  }
}

/**
 * Session cookies are same-origin only: a request whose Origin names another host is refused, whatever the
 * CORS settings (CORS never allows credentials, and SameSite=Strict already keeps other sites' requests out).
 */
export function requireSameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host !== req.headers.host) throw errors.forbidden('Dashboard sessions are not accepted from another origin.');
}
