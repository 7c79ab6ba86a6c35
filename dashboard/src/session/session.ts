// Who is signed in: a platform or the operator, with an API key or as a member (email and password).

import type { MemberRole } from '../../../src/accounts/roles';
import { canCall, isKnownRoute } from '../../../src/accounts/route-roles';

export { roleAtLeast } from '../../../src/accounts/roles';
export { endUserRoute, platformRoute } from '../../../src/accounts/route-roles';
/** Member roles come from the server's own module (spec §3b), each holding every right of the ones before it. */
export type { MemberRole };

/** A member session: the cookie is HttpOnly (the page never sees it); writes echo the CSRF token. */
export interface MemberInfo {
  csrf: string;
  role: MemberRole;
  email: string;
}

/** A signed-in session, kept in sessionStorage only. `key` is '' for a member session (then `member` is set). */
export type Session =
  | { kind: 'platform'; key: string; platformId: string; platformName: string; member?: MemberInfo }
  | { kind: 'admin'; key: string; member?: MemberInfo };

/**
 * True when the session may call `method routePattern` (e.g. `POST /v1/platforms/:platformId/wallet/topup`):
 * an API key holds every right; a member what the server's route-role table grants its role. Controls a
 * session cannot use are hidden, not disabled; the API refuses the call anyway.
 */
export function mayCall(session: Session, method: string, routePattern: string): boolean {
  // A misspelt pattern would silently hide a control from every member: fail loudly instead.
  if (!isKnownRoute(method, routePattern)) throw new Error(`No such management route: ${method} ${routePattern}`);
  return !session.member || canCall(session.member.role, method, routePattern);
}
