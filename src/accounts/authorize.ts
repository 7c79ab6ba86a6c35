/**
 * Cookie sessions on management routes (spec §3b): a platform member reaches its own platform's routes where
 * a platform key would, an operator member (no platform) the routes the admin key reaches, each limited by
 * its role (route-roles.ts) and, for writes, by the session's CSRF token.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { MemberPrincipal, PrincipalKind } from '../http/auth.js';
import { errors } from '../http/errors.js';
import { roleAtLeast } from './roles.js';
import { minimumRoleFor } from './route-roles.js';
import { memberOfSession, requireCsrf, requireSameOrigin } from './sessions.js';

/**
 * The member behind the request's session cookie, checked against the key kinds the route takes, the
 * platform in its path (if any) and the route's least role; throws 401/403 otherwise.
 */
export async function authenticateMember(
  ctx: AppContext,
  req: FastifyRequest,
  cookie: string,
  kinds: readonly PrincipalKind[],
  platformId: string | undefined,
): Promise<MemberPrincipal> {
  requireSameOrigin(req);
  const { member, platformActive } = await memberOfSession(ctx, cookie);
  const standsFor: PrincipalKind = member.platformId === null ? 'admin' : 'platform';
  if (!kinds.includes(standsFor)) {
    throw errors.forbidden(member.platformId === null ? 'This route is for platform members.' : 'This route is for the operator.');
  }
  if (member.platformId !== null && platformId !== undefined && member.platformId !== platformId) {
    throw errors.forbidden('You are not a member of this platform.');
  }
  const minimum = minimumRoleFor(req.method, req.routeOptions.url);
  if (minimum === null) throw errors.forbidden('This route cannot be called with a dashboard session; use an API key.');
  if (!roleAtLeast(member.role, minimum)) {
    throw errors.forbidden(`Your role (${member.role}) cannot do this; it needs the ${minimum} role or above.`);
  }
  // Like a platform key: a suspended platform's members are refused (the operator is not).
  if (!platformActive) throw errors.forbidden('This platform is suspended.', 'platform_suspended');
  requireCsrf(req, member);
  return member;
}
