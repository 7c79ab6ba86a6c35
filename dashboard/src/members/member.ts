// A platform member as GET /v1/platforms/{id}/members returns it.
import type { MemberRole } from '../session/session';

export interface Member {
  id: string;
  email: string;
  display_name: string | null;
  role: MemberRole;
  is_active: boolean;
  status: 'invited' | 'active' | 'inactive';
  accepted_at: string | null;
  created_at: string;
}

export const roleOptions: ReadonlyArray<{ value: MemberRole; label: string }> = [
  { value: 'viewer', label: 'Viewer (reads)' },
  { value: 'billing', label: 'Billing (+ wallet, budgets)' },
  { value: 'developer', label: 'Developer (+ users, keys, configs, limits)' },
  { value: 'admin', label: 'Admin (+ members)' },
  { value: 'owner', label: 'Owner (+ delete the platform)' },
];
