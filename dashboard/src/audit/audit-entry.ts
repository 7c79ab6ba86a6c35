// One audit-log row as `GET /v1/platforms/{platformId}/audit-log` returns it (spec §3b).
import type { Schemas } from '../api/schemas';

export type AuditActorType = Schemas['AuditEntry']['actor']['type'];

/** `[before, after]`, or "changed" for a secret (its value is never recorded). */
export type AuditFieldChange = Schemas['AuditFieldChange'];

export type AuditEntry = Schemas['AuditEntry'];
