/** Per-scope authentication hooks: each key kind gets its auth in its own encapsulated scope. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { type Principal, type PrincipalKind, keyFromRequest, requireKind } from './auth.js';
import { errors } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** onRequest hook: authenticates and checks the key kind before the body is even read. */
export function authenticate(ctx: AppContext, kinds: readonly PrincipalKind[], opts: { xApiKey?: boolean } = {}) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const principal = await ctx.auth.authenticate(keyFromRequest(req, opts.xApiKey ?? false));
    requireKind(principal, kinds);
    req.principal = principal;
  };
}

/** onRequest hook for `/v1/platforms/:platformId/…`: a platform key only reaches its own platform. */
export function platformScope(ctx: AppContext) {
  const auth = authenticate(ctx, ['platform', 'admin']);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    await auth(req, reply);
    const principal = req.principal;
    const { platformId } = req.params as { platformId?: string };
    if (principal?.kind === 'platform' && principal.platformId !== platformId) {
      throw errors.forbidden('This platform key belongs to another platform.');
    }
  };
}

/** The platform a platform-scoped route acts on (its path parameter, checked by platformScope). */
export function platformIdOf(req: FastifyRequest): string {
  return (req.params as { platformId: string }).platformId;
}
