// Audit log: every management write on the platform, who made it and what changed, filterable and paginated.
import { useState } from 'react';
import { usePlatform } from '../session/session-context';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { Pagination } from '../ui/pagination';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { type AuditFilter, emptyAuditFilter, toAuditQuery } from './audit-filter';
import { AuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';

const pageSize = 25;

export function AuditPage() {
  const { api } = usePlatform();
  const [filter, setFilter] = useState<AuditFilter>(emptyAuditFilter);
  const [page, setPage] = useState(1);
  const entries = useResource(
    () => api.list('/audit-log', { query: { ...toAuditQuery(filter), page, limit: pageSize } }),
    [api, filter, page],
  );
  const filtered = Object.values(filter).some((value) => value !== '');

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to money, keys, configs, limits and members, with who made it. Secrets are never recorded, only that they changed."
      />
      <Card flush testId="audit-card">
        <div className="card-section">
          <AuditFilters
            onApply={(next) => {
              setPage(1);
              setFilter(next);
            }}
          />
        </div>
        <ResourceView resource={entries} testId="audit-error">
          {(result) => (
            <>
              <AuditTable entries={result.data} emptyTitle={filtered ? 'No changes match these filters.' : 'No changes yet.'} />
              <Pagination page={result.page} limit={result.limit} total={result.total} onPage={setPage} testId="audit-pagination" />
            </>
          )}
        </ResourceView>
      </Card>
    </>
  );
}
