// One audit-log row as `GET /v1/platforms/{platformId}/audit-log` returns it (spec §3b).

export type AuditActorType = 'member' | 'platform_key' | 'admin_key' | 'operator';

/** `[before, after]`, or "changed" for a secret (its value is never recorded). */
export type AuditFieldChange = [unknown, unknown] | 'changed';

export interface AuditEntry {
  id: string;
  platform_id: string | null;
  actor: { type: AuditActorType; id: string; label: string };
  action: string;
  resource_type: string;
  resource_id: string | null;
  changes: Record<string, AuditFieldChange>;
  request_id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
}
