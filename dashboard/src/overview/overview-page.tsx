// Overview: wallet balance, 30-day spend and requests, top models and top end users.
import { usePlatform } from '../session/session-context';
import { BalanceSummary } from '../ui/balance-summary';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { loadUsage } from './load-usage';
import { UsageSection } from './usage-section';

export function OverviewPage() {
  const { api } = usePlatform();
  const wallet = useResource(() => api.get('/wallet'), [api]);
  const usage = useResource(() => loadUsage(api, new Date()), [api]);

  return (
    <>
      <PageHeader title="Overview" description="Your wallet and the last 30 days of traffic through the gateway." />
      <div className="stack">
        <Card>
          <ResourceView resource={wallet} testId="wallet-error">
            {(data) => <BalanceSummary wallet={data} />}
          </ResourceView>
        </Card>
        <ResourceView resource={usage} testId="usage-error">
          {(data) => <UsageSection usage={data} />}
        </ResourceView>
      </div>
    </>
  );
}
