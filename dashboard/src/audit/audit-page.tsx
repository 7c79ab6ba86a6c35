// Audit log: every management write on the platform, who made it and what changed, filterable and paginated.
import { useCallback } from 'react';
import { usePlatform } from '../session/session-context';
import type { AuditQuery } from './audit-filter';
import { AuditLogView } from './audit-log-view';

export function AuditPage() {
  const { api } = usePlatform();
  const load = useCallback((query: AuditQuery & { page: number; limit: number }) => api.list('/audit-log', { query }), [api]);
  return (
    <AuditLogView
      description="Every change to money, keys, configs, limits and members, with who made it. Secrets are never recorded, only that they changed."
      load={load}
    />
  );
}
