/** Per-scope authentication hooks: each key kind gets its auth in its own encapsulated scope. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateMember } from '../accounts/authorize.js';
import { sessionCookieOf } from '../accounts/sessions.js';
import type { AppContext } from '../context.js';
import { uuidPattern } from '../crypto/ids.js';
import { keyFromRequest, type Principal, type PrincipalKind } from './auth.js';
import { errors } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** onRequest hook: authenticates and checks the key kind before the body is even read. */
export function authenticate(ctx: AppContext, kinds: readonly PrincipalKind[], opts: { xApiKey?: boolean } = {}) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const key = keyFromRequest(req, opts.xApiKey ?? false);
    // Dashboard sessions reach operator routes only (never inference or /v1/me); a key, when sent, wins.
    const cookie = key === undefined && kinds.includes('admin') ? sessionCookieOf(req) : undefined;
    req.principal = cookie ? await authenticateMember(ctx, req, cookie, kinds, undefined) : await ctx.auth.authenticate(key, kinds);
  };
}

/** onRequest hook for `/v1/platforms/:platformId/…`: a platform key only reaches its own platform. */
export function platformScope(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const { platformId } = req.params as { platformId?: string };
    if (platformId !== undefined) platformOfRequest.set(req, platformId);
    // Another platform's path is a matter of the key's reach, told before its own platform's state (§5 step 1).
    const ownPlatformOnly = (p: Principal) => {
      if (p.kind === 'platform' && p.platformId !== platformId) throw errors.forbidden('This platform key belongs to another platform.');
    };
    const key = keyFromRequest(req, false);
    const cookie = key === undefined ? sessionCookieOf(req) : undefined;
    const principal = cookie
      ? await authenticateMember(ctx, req, cookie, ['platform', 'admin'], platformId)
      : await ctx.auth.authenticate(key, ['platform', 'admin'], ownPlatformOnly);
    req.principal = principal;
    // The operator may act on any platform, so for it an unknown platform is a 404 before anything runs
    // (a platform key's own platform exists: its key was just found through it).
    if ((principal.kind === 'admin' || (principal.kind === 'member' && principal.platformId === null)) && platformId) {
      // Not a UUID: no platform has that id (and a NUL would fail the query on PostgreSQL).
      if (!uuidPattern.test(platformId)) throw errors.notFound('Platform');
      const found = await ctx.store.db.selectFrom('platforms').select('id').where('id', '=', platformId).executeTakeFirst();
      if (!found) throw errors.notFound('Platform');
    }
  };
}

/**
 * The platform each request acts on, recorded by platformScope in onRequest: a route's own `params` schema
 * replaces `req.params` with its parsed output, which would drop `platformId` if the schema forgot it.
 */
const platformOfRequest = new WeakMap<FastifyRequest, string>();

/** The platform a platform-scoped route acts on, or undefined outside `/v1/platforms/{platformId}`. */
export function scopedPlatformId(req: FastifyRequest): string | undefined {
  return platformOfRequest.get(req);
}

/** The platform a platform-scoped route acts on (its path parameter, checked by platformScope). */
export function platformIdOf(req: FastifyRequest): string {
  const id = platformOfRequest.get(req);
  if (id === undefined) throw new Error('platformIdOf called outside a platformScope route');
  return id;
}
