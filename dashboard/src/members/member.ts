// A platform member as GET /v1/platforms/{id}/members returns it.
import type { Schemas } from '../api/schemas';
import type { MemberRole } from '../session/session';

export type Member = Schemas['Member'];

export const roleOptions: ReadonlyArray<{ value: MemberRole; label: string }> = [
  { value: 'viewer', label: 'Viewer (reads)' },
  { value: 'billing', label: 'Billing (+ wallet, budgets)' },
  { value: 'developer', label: 'Developer (+ users, keys, configs, limits)' },
  { value: 'admin', label: 'Admin (+ members)' },
  { value: 'owner', label: 'Owner (+ delete the platform)' },
];
