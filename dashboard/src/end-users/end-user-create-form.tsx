// Creates an end user (or re-issues a key for an existing external ID) and shows the raw key once.
import { useState } from 'react';
import type { CreatedEndUser } from '../api';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { RawKeyBox } from '../ui/raw-key-box';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function EndUserCreateForm({ onCreated }: { onCreated: () => void }) {
  const { api } = usePlatform();
  const action = useAction();
  const draft = useDraft({ externalId: '', displayName: '' });
  const [created, setCreated] = useState<CreatedEndUser | null>(null);

  const create = async (): Promise<string> => {
    setCreated(null);
    const externalId = draft.values.externalId.trim();
    const displayName = draft.values.displayName.trim();
    // The API answers 200 instead of 201 for an existing external ID; the client only sees the body.
    const existing = await api.list('/end-users', { query: { external_id: externalId, limit: 1 } });
    const user = await api.post('/end-users', {
      body: { external_id: externalId, ...(displayName ? { display_name: displayName } : {}) },
    });
    setCreated(user);
    draft.reset();
    onCreated();
    return existing.total > 0
      ? `${user.external_id} already existed: a new key was issued (earlier keys stay valid).`
      : `End user ${user.external_id} created.`;
  };

  return (
    <Card
      title="Create an end user"
      description="Use your own user ID as the external ID. Creating an existing external ID issues that user a fresh key."
    >
      <ActionForm
        action={action}
        onSubmit={create}
        className="form-grid form-grid-3"
        testId="end-user-create-form"
        actions={<SubmitButton pending={action.pending} label="Create end user" pendingLabel="Creating…" testId="end-user-create" />}
      >
        <TextField label="External ID" {...draft.bind('externalId')} placeholder="user-123" required testId="end-user-external-id" />
        <TextField label="Display name (optional)" {...draft.bind('displayName')} placeholder="Jane Smith" testId="end-user-display-name" />
      </ActionForm>
      <ActionFeedback action={action} testId="end-user-create" />
      {created ? (
        <RawKeyBox rawKey={created.api_key.raw_key} title={`API key for ${created.external_id}`} onDismiss={() => setCreated(null)} />
      ) : null}
    </Card>
  );
}
