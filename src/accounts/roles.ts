/** Member roles (spec §3b), each holding every right of the ones before it. */
export const memberRoles = ['viewer', 'billing', 'developer', 'admin', 'owner'] as const;

export type MemberRole = (typeof memberRoles)[number];

/** True when `role` holds at least the rights of `minimum`. */
export function roleAtLeast(role: MemberRole, minimum: MemberRole): boolean {
  return memberRoles.indexOf(role) >= memberRoles.indexOf(minimum);
}
