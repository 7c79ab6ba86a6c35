// The end user's most recent inference calls.
import { LogsTable } from '../logs';
import { usePlatform } from '../session/session-context';
import { Card } from '../ui/card';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';

// Recent calls shown on the detail page; the Logs page has the full, filterable history.
const recentCount = 10;

export function EndUserLogsCard({ endUserId }: { endUserId: string }) {
  const { api } = usePlatform();
  const logs = useResource(() => api.list('/logs', { query: { end_user_id: endUserId, limit: recentCount } }), [api, endUserId]);
  return (
    <Card title="Recent calls" description={`The ${recentCount} most recent; see Logs for the full history.`} flush testId="end-user-logs">
      <ResourceView resource={logs}>
        {(result) => (
          <LogsTable
            logs={result.data}
            showEndUser={false}
            emptyTitle="This end user has made no calls yet."
            testId="end-user-logs-table"
          />
        )}
      </ResourceView>
    </Card>
  );
}
