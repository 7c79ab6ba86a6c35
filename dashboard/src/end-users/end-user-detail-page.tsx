// One end user: identity, activation, rate limits, keys, budget and recent calls.
import type { EndUser } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { EndUserRateLimitsCard } from '../rate-limits';
import { navigate } from '../router/navigate';
import { endUserRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Badge } from '../ui/badge';
import { Card } from '../ui/card';
import { ConfirmButton } from '../ui/confirm-button';
import { IdWithCopy } from '../ui/id-with-copy';
import { PageHeader } from '../ui/page-header';
import { ResourceView } from '../ui/resource-view';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { BudgetCard } from './budget-card';
import { EndUserKeysCard } from './end-user-keys-card';
import { EndUserLogsCard } from './end-user-logs-card';
import { EndUserNameForm } from './end-user-name-form';

export function EndUserDetailPage({ endUserId }: { endUserId: string }) {
  const { api } = usePlatform();
  const user = useResource(() => api.get('/end-users/{endUserId}', { path: { endUserId } }), [api, endUserId]);
  const action = useAction();
  const can = useCan();

  const toggleActive = (current: EndUser): void => {
    void action.run(async () => {
      await api.patch('/end-users/{endUserId}', { path: { endUserId: current.id }, body: { is_active: !current.is_active } });
      user.reload();
      return current.is_active ? 'End user deactivated: their keys are refused until reactivated.' : 'End user reactivated.';
    });
  };

  const remove = (current: EndUser): void => {
    void action.run(async () => {
      await api.delete('/end-users/{endUserId}', { path: { endUserId: current.id } });
      navigate('/end-users');
      return null;
    });
  };

  return (
    <>
      <p className="breadcrumb">
        <a href="#/end-users">← End users</a>
      </p>
      <ResourceView resource={user}>
        {(data) => (
          <>
            <PageHeader
              title={data.display_name ?? data.external_id}
              description={
                <span className="header-meta">
                  <span>
                    External ID <code className="mono">{data.external_id}</code>
                  </span>
                  {data.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Inactive</Badge>}
                </span>
              }
              actions={
                <span className="row-actions">
                  {can('PATCH', endUserRoute) ? (
                    <button
                      type="button"
                      className={data.is_active ? 'button button-danger-ghost' : 'button button-primary'}
                      disabled={action.pending}
                      onClick={() => toggleActive(data)}
                      data-testid="end-user-toggle-active"
                    >
                      {data.is_active ? 'Deactivate' : 'Reactivate'}
                    </button>
                  ) : null}
                  {can('DELETE', endUserRoute) ? (
                    <ConfirmButton
                      label="Delete"
                      confirmLabel="Confirm delete (keys revoked)"
                      onConfirm={() => remove(data)}
                      disabled={action.pending}
                      testId="end-user-delete"
                    />
                  ) : null}
                </span>
              }
            />
            <ActionFeedback action={action} testId="end-user-status" />
            <div className="stack">
              <div className="grid-2">
                <div className="stack">
                  <Card title="Details">
                    <dl className="details">
                      <dt>End-user ID</dt>
                      <dd>
                        <IdWithCopy id={data.id} testId="end-user-id" />
                      </dd>
                      <dt>Display name</dt>
                      <dd>{data.display_name ?? <span className="muted">—</span>}</dd>
                      <dt>Created</dt>
                      <dd>{formatDateTime(data.created_at)}</dd>
                      <dt>Metadata</dt>
                      <dd>
                        {data.metadata && Object.keys(data.metadata).length > 0 ? (
                          <code className="mono small">{JSON.stringify(data.metadata)}</code>
                        ) : (
                          <span className="muted">None</span>
                        )}
                      </dd>
                    </dl>
                    {can('PATCH', endUserRoute) ? <EndUserNameForm user={data} onSaved={user.reload} /> : null}
                  </Card>
                  <EndUserRateLimitsCard endUserId={data.id} />
                </div>
                <BudgetCard endUserId={data.id} />
              </div>
              <EndUserKeysCard endUserId={data.id} />
              <EndUserLogsCard endUserId={data.id} />
            </div>
          </>
        )}
      </ResourceView>
    </>
  );
}
