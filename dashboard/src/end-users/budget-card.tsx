// One end user's budget: figures with a usage bar, top-up, edit, suspend, remove; or a form to create one.
import type { Budget } from '../api';
import { ApiError } from '../api';
import { endUserRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { Card } from '../ui/card';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { BudgetCreateForm } from './budget-create-form';
import { BudgetDetails } from './budget-details';

export function BudgetCard({ endUserId }: { endUserId: string }) {
  const { api } = usePlatform();
  const can = useCan();
  const budget = useResource<Budget | null>(
    () =>
      api.get('/end-users/{endUserId}/budget', { path: { endUserId } }).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    [api, endUserId],
  );
  return (
    <Card title="Budget" description="Caps what this user can spend; the platform wallet pays the provider." testId="end-user-budget">
      <ResourceView resource={budget}>
        {(data) =>
          data ? (
            <BudgetDetails budget={data} onChanged={budget.reload} />
          ) : can('POST', `${endUserRoute}/budget`) ? (
            <BudgetCreateForm endUserId={endUserId} onCreated={budget.reload} />
          ) : (
            <p className="muted" data-testid="budget-none">
              No budget: this user is bounded only by the wallet.
            </p>
          )
        }
      </ResourceView>
    </Card>
  );
}
