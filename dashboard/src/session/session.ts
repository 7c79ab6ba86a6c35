// Who is signed in: a platform or the operator, with an API key or as a member (email and password).

/** Member roles, each holding every right of the ones before it (spec §3b). */
export type MemberRole = 'viewer' | 'billing' | 'developer' | 'admin' | 'owner';

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

const ranks: readonly MemberRole[] = ['viewer', 'billing', 'developer', 'admin', 'owner'];

/** True when the session may do what `minimum` may: a key holds every right. */
export function canAct(session: Session, minimum: MemberRole): boolean {
  return !session.member || ranks.indexOf(session.member.role) >= ranks.indexOf(minimum);
}
