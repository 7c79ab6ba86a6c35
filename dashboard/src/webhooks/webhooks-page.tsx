// Webhooks (spec §6): add endpoints (the secret shown once), list them, open one to edit, test and see deliveries.
import { useState } from 'react';
import { formatDateTime } from '../format/format-date-time';
import { platformRoute } from '../session/session';
import { useCan } from '../session/use-can';
import { Badge } from '../ui/badge';
import { Card } from '../ui/card';
import { EmptyState } from '../ui/empty-state';
import { PageHeader } from '../ui/page-header';
import { PagedView } from '../ui/paged-view';
import { RawKeyBox } from '../ui/raw-key-box';
import { useResource } from '../ui/use-resource';
import { EndpointCreateForm } from './endpoint-create-form';
import { EndpointPanel } from './endpoint-panel';
import { useWebhooksApi } from './use-webhooks-api';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from './webhook-endpoint';

export function WebhooksPage() {
  const { api } = useWebhooksApi();
  const can = useCan();
  const mayCreate = can('POST', `${platformRoute}/webhooks`);
  const manage = can('PATCH', `${platformRoute}/webhooks/:webhookId`);
  const [page, setPage] = useState(1);
  const [created, setCreated] = useState<WebhookEndpointWithSecret | null>(null);
  const [open, setOpen] = useState<WebhookEndpoint | null>(null);
  const endpoints = useResource(() => api.list('/webhooks', { query: { page, limit: 20 } }), [api, page]);

  const onCreated = (endpoint: WebhookEndpointWithSecret): void => {
    setCreated(endpoint);
    const { secret: _shown, ...rest } = endpoint;
    setOpen(rest);
    endpoints.reload();
  };
  const onChanged = (endpoint: WebhookEndpoint | null): void => {
    setOpen(endpoint);
    endpoints.reload();
  };

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Signed events (Standard Webhooks) sent to your endpoints when money moves: top-ups, low balances, suspensions, exhausted budgets."
      />
      <div className="stack">
        {mayCreate ? (
          <Card
            title="Add endpoint"
            description="Events are signed with the endpoint's whsec_ secret; verify them with any Standard Webhooks library."
          >
            {created ? (
              <RawKeyBox
                rawKey={created.secret}
                title={`Signing secret for ${created.url} — you will not see this again`}
                onDismiss={() => setCreated(null)}
              />
            ) : null}
            <EndpointCreateForm onCreated={onCreated} />
          </Card>
        ) : null}
        <Card title="Endpoints" flush>
          <PagedView resource={endpoints} onPage={setPage} testId="webhooks-pagination">
            {(rows) =>
              rows.length === 0 ? (
                <EmptyState title="No endpoints yet" testId="webhooks-empty" />
              ) : (
                <table className="table" data-testid="webhooks-table">
                  <thead>
                    <tr>
                      <th>URL</th>
                      <th>Events</th>
                      <th>State</th>
                      <th>Created</th>
                      <th className="actions-col" />
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((e) => (
                      <tr key={e.id} data-testid={`webhook-row-${e.id}`} className={open?.id === e.id ? 'row-editing' : undefined}>
                        <td>
                          <span className="mono strong">{e.url}</span>
                          {e.description ? <div className="sub">{e.description}</div> : null}
                        </td>
                        <td className="mono">{e.events.join(', ')}</td>
                        <td>{e.is_active ? <Badge tone="green">active</Badge> : <Badge tone="grey">inactive</Badge>}</td>
                        <td className="nowrap">{formatDateTime(e.created_at)}</td>
                        <td className="actions-col">
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => setOpen(e)}
                            data-testid={`webhook-open-${e.id}`}
                          >
                            {manage ? 'Manage' : 'Deliveries'}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </PagedView>
        </Card>
        {open ? <EndpointPanel key={open.id} endpoint={open} onChanged={onChanged} /> : null}
      </div>
    </>
  );
}
