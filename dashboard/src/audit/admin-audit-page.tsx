// Operator: the operator's audit log (GET /v1/admin/audit-log): its own actions, on platforms too, and the rows of
// no platform (providers, model routes, platform deletions, sign-ins of unknown emails).
import { useCallback } from 'react';
import { useSession } from '../session/session-context';
import type { AuditQuery } from './audit-filter';
import { AuditLogView } from './audit-log-view';

export function AdminAuditPage() {
  const { api } = useSession();
  const load = useCallback((query: AuditQuery & { page: number; limit: number }) => api.list('/v1/admin/audit-log', { query }), [api]);
  return (
    <AuditLogView
      description="The operator's own changes (admin key and operator members), on any platform, and the changes that belong to no platform: providers, model routes and platform deletions. Secrets are never recorded."
      load={load}
    />
  );
}
