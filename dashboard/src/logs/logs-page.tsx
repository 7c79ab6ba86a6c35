// Logs: every inference call, filterable and paginated.
import { useState } from 'react';
import { usePlatform } from '../session/session-context';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { Pagination } from '../ui/pagination';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { loadLogs } from './load-logs';
import { emptyLogFilter, type LogFilter } from './log-filter';
import { LogFilters } from './log-filters';
import { LogsTable } from './logs-table';
import { toLogQuery } from './to-log-query';

const pageSize = 25;

export function LogsPage() {
  const { api } = usePlatform();
  const [filter, setFilter] = useState<LogFilter>(emptyLogFilter);
  const [page, setPage] = useState(1);
  const logs = useResource(async () => loadLogs(api, { ...(await toLogQuery(api, filter)), page, limit: pageSize }), [api, filter, page]);
  const filtered = Object.values(filter).some((value) => value !== '');

  return (
    <>
      <PageHeader
        title="Logs"
        description="Every inference call with its tokens, latency and cost. Prompts and outputs are never stored."
      />
      <Card flush testId="logs-card">
        <div className="card-section">
          <LogFilters
            onApply={(next) => {
              setPage(1);
              setFilter(next);
            }}
          />
        </div>
        <ResourceView resource={logs} testId="logs-error">
          {({ page: result, endUserNames }) => (
            <>
              <LogsTable
                logs={result.data}
                endUserNames={endUserNames}
                emptyTitle={filtered ? 'No calls match these filters.' : 'No inference calls yet.'}
              />
              <Pagination page={result.page} limit={result.limit} total={result.total} onPage={setPage} testId="logs-pagination" />
            </>
          )}
        </ResourceView>
      </Card>
    </>
  );
}
