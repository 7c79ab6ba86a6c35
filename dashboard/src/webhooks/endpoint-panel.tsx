// One endpoint opened: its settings, edit, rotate secret (shown once), send a test ping, delete, deliveries.
import { useState } from 'react';
import { formatDateTime } from '../format/format-date-time';
import { platformRoute } from '../session/session';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Badge } from '../ui/badge';
import { Card } from '../ui/card';
import { ConfirmButton } from '../ui/confirm-button';
import { Notice } from '../ui/notice';
import { RawKeyBox } from '../ui/raw-key-box';
import { useAction } from '../ui/use-action';
import { DeliveriesCard } from './deliveries-card';
import { EndpointEditForm } from './endpoint-edit-form';
import { useWebhooksApi } from './use-webhooks-api';
import type { WebhookEndpoint } from './webhook-endpoint';

interface EndpointPanelProps {
  endpoint: WebhookEndpoint;
  /** The endpoint changed (edited, rotated) or was deleted (null). */
  onChanged: (endpoint: WebhookEndpoint | null) => void;
}

const endpointRoute = `${platformRoute}/webhooks/:webhookId`;

export function EndpointPanel({ endpoint, onChanged }: EndpointPanelProps) {
  const can = useCan();
  const { api } = useWebhooksApi();
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const action = useAction();
  const path = { webhookId: endpoint.id };

  const rotate = (): void => {
    void action.run(async () => {
      const rotated = await api.post('/webhooks/{webhookId}/rotate-secret', { path, body: {} });
      setSecret(rotated.secret);
      const { secret: _shown, ...rest } = rotated;
      onChanged(rest);
      return `New secret issued. The previous one keeps signing until ${formatDateTime(rotated.previous_secret_expires_at)}, so receivers can switch over.`;
    });
  };
  const sendTest = (): void => {
    void action.run(async () => {
      const delivery = await api.post('/webhooks/{webhookId}/test', { path });
      setDeliveriesVersion((v) => v + 1);
      return `Ping sent (event ${delivery.event_id}); its delivery appears below.`;
    });
  };
  const remove = (): void => {
    void action.run(async () => {
      await api.delete('/webhooks/{webhookId}', { path });
      onChanged(null);
      return null;
    });
  };

  // Each control only for a role that may make its call (the API refuses the others anyway).
  const controls = [
    can('PATCH', endpointRoute) ? (
      <button key="edit" type="button" className="button button-small" onClick={() => setEditing(!editing)} data-testid="webhook-edit">
        Edit
      </button>
    ) : null,
    can('POST', `${endpointRoute}/test`) ? (
      <button
        key="test"
        type="button"
        className="button button-small"
        onClick={sendTest}
        disabled={action.pending}
        data-testid="webhook-test"
      >
        Send test
      </button>
    ) : null,
    can('POST', `${endpointRoute}/rotate-secret`) ? (
      <ConfirmButton
        key="rotate"
        label="Rotate secret"
        confirmLabel="Issue a new secret"
        tone="default"
        onConfirm={rotate}
        testId="webhook-rotate"
      />
    ) : null,
    can('DELETE', endpointRoute) ? (
      <ConfirmButton
        key="delete"
        label="Delete"
        confirmLabel="Delete endpoint and its deliveries"
        onConfirm={remove}
        testId="webhook-delete"
      />
    ) : null,
  ].filter((c) => c !== null);
  const actions = controls.length > 0 ? <span className="row-actions">{controls}</span> : null;

  return (
    <div className="stack" data-testid="webhook-panel">
      <Card title={<span className="mono">{endpoint.url}</span>} description={endpoint.description ?? undefined} actions={actions}>
        {secret ? (
          <RawKeyBox rawKey={secret} title="New signing secret — you will not see this again" onDismiss={() => setSecret(null)} />
        ) : null}
        <ActionFeedback action={action} testId="webhook-action" />
        {editing ? (
          <EndpointEditForm
            endpoint={endpoint}
            onCancel={() => setEditing(false)}
            onSaved={(saved) => {
              setEditing(false);
              onChanged(saved);
            }}
          />
        ) : (
          <dl className="webhook-facts">
            <dt>Events</dt>
            <dd className="mono" data-testid="webhook-panel-events">
              {endpoint.events.join(', ')}
            </dd>
            <dt>State</dt>
            <dd>{endpoint.is_active ? <Badge tone="green">active</Badge> : <Badge tone="grey">inactive</Badge>}</dd>
            {endpoint.previous_secret_expires_at ? (
              <>
                <dt>Previous secret</dt>
                <dd>signs too until {formatDateTime(endpoint.previous_secret_expires_at)}</dd>
              </>
            ) : null}
          </dl>
        )}
        {endpoint.is_active ? null : <Notice tone="info">Inactive: no events are sent and a test ping is refused.</Notice>}
      </Card>
      <DeliveriesCard endpointId={endpoint.id} version={deliveriesVersion} />
    </div>
  );
}
