// Every delivery attempt to one endpoint, newest first, with Redeliver; refreshes while an attempt is pending.
import { useEffect, useState } from 'react';
import { formatDateTime } from '../format/format-date-time';
import { platformRoute } from '../session/session';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Badge, type BadgeTone } from '../ui/badge';
import { Card } from '../ui/card';
import { EmptyState } from '../ui/empty-state';
import { PagedView } from '../ui/paged-view';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { useWebhooksApi } from './use-webhooks-api';
import type { WebhookDelivery } from './webhook-endpoint';

const statusTone: Record<WebhookDelivery['status'], BadgeTone> = {
  pending: 'blue',
  delivered: 'green',
  retrying: 'amber',
  failed: 'red',
};
/** How often the table reloads while an attempt on screen is still pending. */
const PENDING_REFRESH_MS = 1000;

const dueSoon = (at: string | null): boolean => at !== null && Date.parse(at) - Date.now() < 20_000;

interface DeliveriesCardProps {
  endpointId: string;
  /** Bumped by the parent (e.g. after a test ping) to reload the table. */
  version: number;
}

export function DeliveriesCard({ endpointId, version }: DeliveriesCardProps) {
  const manage = useCan()('POST', `${platformRoute}/webhooks/:webhookId/deliveries/:deliveryId/redeliver`);
  const { api } = useWebhooksApi();
  const [page, setPage] = useState(1);
  const redeliver = useAction();
  const deliveries = useResource(
    () => api.list('/webhooks/{webhookId}/deliveries', { path: { webhookId: endpointId }, query: { page, limit: 10 } }),
    [api, endpointId, page, version],
  );
  // Only attempts due soon: one in flight shows its lease (10 s timeout + 5 s) as next_retry_at; one scheduled
  // an hour ahead by the backoff is not worth polling for.
  const pending = deliveries.data?.data.some((d) => d.status === 'pending' && dueSoon(d.next_retry_at)) ?? false;
  const { reload } = deliveries;

  // biome-ignore lint/correctness/useExhaustiveDependencies: each new answer re-arms the timer while attempts stay pending
  useEffect(() => {
    if (!pending) return undefined;
    const timer = window.setTimeout(reload, PENDING_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [pending, reload, deliveries.data]);

  const onRedeliver = (delivery: WebhookDelivery): void => {
    void redeliver.run(async () => {
      const next = await api.post('/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
        path: { webhookId: endpointId, deliveryId: delivery.id },
      });
      setPage(1);
      reload();
      return `Attempt ${next.attempt} of ${delivery.event_type} is on its way.`;
    });
  };

  return (
    <Card
      title="Deliveries"
      description="Each attempt: failed ones are retried with backoff for 24 hours."
      actions={
        <button type="button" className="button button-small" onClick={reload} data-testid="webhook-deliveries-refresh">
          Refresh
        </button>
      }
      flush
      testId="webhook-deliveries"
    >
      <ActionFeedback action={redeliver} testId="webhook-redeliver" />
      <PagedView resource={deliveries} onPage={setPage} testId="webhook-deliveries-pagination">
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No deliveries yet" testId="webhook-deliveries-empty">
              Send a test ping to see one.
            </EmptyState>
          ) : (
            <table className="table" data-testid="webhook-deliveries-table">
              <thead>
                <tr>
                  <th>Event</th>
                  <th className="num">Attempt</th>
                  <th>Status</th>
                  <th className="num">Code</th>
                  <th className="num">Latency</th>
                  <th>Error</th>
                  <th>Next retry</th>
                  <th>Delivered</th>
                  {manage ? <th className="actions-col" /> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} data-testid={`delivery-row-${d.id}`} data-status={d.status} data-attempt={d.attempt}>
                    <td>
                      <span className="mono">{d.event_type}</span>
                      <div className="sub mono">{d.event_id}</div>
                    </td>
                    <td className="num" data-testid="delivery-attempt">
                      {d.attempt}
                    </td>
                    <td>
                      <Badge tone={statusTone[d.status]}>{d.status}</Badge>
                    </td>
                    <td className="num" data-testid="delivery-status-code">
                      {d.status_code ?? '—'}
                    </td>
                    <td className="num">{d.latency_ms === null ? '—' : `${d.latency_ms} ms`}</td>
                    <td data-testid="delivery-error">{d.error ?? <span className="muted">—</span>}</td>
                    <td className="nowrap" data-testid="delivery-next-retry">
                      {formatDateTime(d.next_retry_at)}
                    </td>
                    <td className="nowrap">{formatDateTime(d.delivered_at)}</td>
                    {manage ? (
                      <td className="actions-col">
                        {d.status === 'pending' ? null : (
                          <button
                            type="button"
                            className="button button-small"
                            disabled={redeliver.pending}
                            onClick={() => onRedeliver(d)}
                            data-testid={`delivery-redeliver-${d.id}`}
                          >
                            Redeliver
                          </button>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </PagedView>
    </Card>
  );
}
