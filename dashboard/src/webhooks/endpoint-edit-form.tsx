// Edits an endpoint's URL, events, description and active state (PATCH …/webhooks/{id}).
import { useState } from 'react';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { isFieldError } from '../ui/field-error';
import { SubmitButton } from '../ui/submit-button';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { type EndpointDraft, EndpointFields, endpointBody } from './endpoint-fields';
import { useWebhooksApi } from './use-webhooks-api';
import type { WebhookEndpoint, WebhookEvent } from './webhook-endpoint';

interface EndpointEditFormProps {
  endpoint: WebhookEndpoint;
  onSaved: (endpoint: WebhookEndpoint) => void;
  onCancel: () => void;
}

export function EndpointEditForm({ endpoint, onSaved, onCancel }: EndpointEditFormProps) {
  const { api } = useWebhooksApi();
  const action = useAction();
  const draft = useDraft<EndpointDraft>({
    url: endpoint.url,
    // The answer's schema types events as plain strings; they are the names the endpoint was saved with.
    events: endpoint.events as WebhookEvent[],
    description: endpoint.description ?? '',
  });
  const [active, setActive] = useState(endpoint.is_active);

  const save = async (): Promise<string> => {
    const saved = await api.patch('/webhooks/{webhookId}', {
      path: { webhookId: endpoint.id },
      body: { ...endpointBody(draft.values), is_active: active },
    });
    onSaved(saved);
    return 'Saved.';
  };

  return (
    <>
      <ActionForm
        action={action}
        onSubmit={save}
        className="form-grid"
        actionsPlacement="row"
        testId="webhook-edit-form"
        actions={
          <>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={active}
                onChange={(event) => setActive(event.target.checked)}
                data-testid="webhook-edit-active"
              />
              Active (inactive endpoints receive nothing)
            </label>
            <SubmitButton pending={action.pending} label="Save" pendingLabel="Saving…" testId="webhook-edit-submit" />
            <button type="button" className="button button-ghost" onClick={onCancel}>
              Cancel
            </button>
          </>
        }
      >
        <EndpointFields draft={draft} error={action.error} testId="webhook-edit" />
      </ActionForm>
      {isFieldError(action.error, ['url', 'events', 'description']) ? null : <ActionFeedback action={action} testId="webhook-edit" />}
    </>
  );
}
