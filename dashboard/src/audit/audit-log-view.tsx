// The audit log's filters, table and pages, for the platform's log and the operator's alike.
import { useState } from 'react';
import type { Page } from '../api';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { Pagination } from '../ui/pagination';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import type { AuditEntry } from './audit-entry';
import { type AuditFilter, type AuditQuery, emptyAuditFilter, toAuditQuery } from './audit-filter';
import { AuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';

const pageSize = 25;

interface AuditLogViewProps {
  description: string;
  /** One page of the log; a new function (another API) loads again. */
  load: (query: AuditQuery & { page: number; limit: number }) => Promise<Page<AuditEntry>>;
}

export function AuditLogView({ description, load }: AuditLogViewProps) {
  const [filter, setFilter] = useState<AuditFilter>(emptyAuditFilter);
  const [page, setPage] = useState(1);
  const entries = useResource(() => load({ ...toAuditQuery(filter), page, limit: pageSize }), [load, filter, page]);
  const filtered = Object.values(filter).some((value) => value !== '');

  return (
    <>
      <PageHeader title="Audit log" description={description} />
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
