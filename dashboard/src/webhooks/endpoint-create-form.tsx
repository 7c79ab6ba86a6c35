// "Add endpoint": URL, events and description; the answer's secret goes to the page to show once.
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { isFieldError } from '../ui/field-error';
import { SubmitButton } from '../ui/submit-button';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { type EndpointDraft, EndpointFields, endpointBody } from './endpoint-fields';
import { useWebhooksApi } from './use-webhooks-api';
import { allEvents, type WebhookEndpointWithSecret } from './webhook-endpoint';

interface EndpointCreateFormProps {
  onCreated: (created: WebhookEndpointWithSecret) => void;
}

export function EndpointCreateForm({ onCreated }: EndpointCreateFormProps) {
  const { api } = useWebhooksApi();
  const action = useAction();
  const draft = useDraft<EndpointDraft>({ url: '', events: [allEvents], description: '' });

  const create = async (): Promise<string> => {
    const created = await api.post('/webhooks', { body: endpointBody(draft.values) });
    draft.reset();
    onCreated(created);
    return `Added ${created.url}.`;
  };

  return (
    <>
      <ActionForm
        action={action}
        onSubmit={create}
        className="form-grid"
        actionsPlacement="row"
        testId="webhook-create-form"
        actions={<SubmitButton pending={action.pending} label="Add endpoint" pendingLabel="Adding…" testId="webhook-create-submit" />}
      >
        <EndpointFields draft={draft} error={action.error} testId="webhook-create" />
      </ActionForm>
      {isFieldError(action.error, ['url', 'events', 'description']) ? null : <ActionFeedback action={action} testId="webhook-create" />}
    </>
  );
}
