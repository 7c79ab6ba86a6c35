/** Response schema of audit-log rows (spec §3b): `changes` maps a field to [before, after]; a secret is "changed". */
import { z } from 'zod';
import { type Exactly, timestamp } from '../management/responses.js';
import type { auditRowView } from './routes.js';

/** A field's change: `[before, after]` in the API's units (null before a create, after a delete), or "changed" for a secret. */
export const AuditFieldChange = z.union([z.tuple([z.unknown(), z.unknown()]), z.literal('changed')]).meta({ id: 'AuditFieldChange' });

export const AuditEntry = z
  .object({
    id: z.string(),
    platform_id: z.string().nullable(),
    actor: z.object({
      type: z.enum(['member', 'platform_key', 'admin_key', 'operator', 'cli', 'system']),
      id: z.string(),
      label: z.string(),
    }),
    action: z.string(),
    resource_type: z.string(),
    resource_id: z.string().nullable(),
    changes: z.record(z.string(), AuditFieldChange),
    request_id: z.string(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'AuditEntry' });

// The view is in routes.ts: prove it sends exactly this schema (a field added there would be stripped).
const auditRowViewFits: Exactly<ReturnType<typeof auditRowView>, z.input<typeof AuditEntry>> = true;
void auditRowViewFits;
