// Creates an end user (or re-issues a key for an existing external ID) and shows the raw key once.
import { type FormEvent, useState } from 'react';
import type { CreatedEndUser, EndUser } from '../api';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { Field } from '../ui/field';
import { RawKeyBox } from '../ui/raw-key-box';
import { useAction } from '../ui/use-action';

export function EndUserCreateForm({ onCreated }: { onCreated: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const [externalId, setExternalId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [created, setCreated] = useState<CreatedEndUser | null>(null);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    setCreated(null);
    void action.run(async () => {
      // The API answers 200 instead of 201 for an existing external ID; the client only sees the body.
      const existing = await client.list<EndUser>(`${basePath}/end-users`, { external_id: externalId.trim(), limit: 1 });
      const user = await client.post<CreatedEndUser>(`${basePath}/end-users`, {
        external_id: externalId.trim(),
        ...(displayName.trim() ? { display_name: displayName.trim() } : {}),
      });
      setCreated(user);
      setExternalId('');
      setDisplayName('');
      onCreated();
      return existing.total > 0
        ? `${user.external_id} already existed: a new key was issued (earlier keys stay valid).`
        : `End user ${user.external_id} created.`;
    });
  };

  return (
    <Card
      title="Create an end user"
      description="Use your own user ID as the external ID. Creating an existing external ID issues that user a fresh key."
    >
      <form className="form-grid form-grid-3" onSubmit={onSubmit} data-testid="end-user-create-form">
        <Field label="External ID">
          <input
            className="input"
            placeholder="user-123"
            value={externalId}
            onChange={(event) => setExternalId(event.target.value)}
            required
            data-testid="end-user-external-id"
          />
        </Field>
        <Field label="Display name (optional)">
          <input
            className="input"
            placeholder="Jane Smith"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            data-testid="end-user-display-name"
          />
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="end-user-create">
            {action.pending ? 'Creating…' : 'Create end user'}
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="end-user-create" />
      {created ? (
        <RawKeyBox rawKey={created.api_key.raw_key} title={`API key for ${created.external_id}`} onDismiss={() => setCreated(null)} />
      ) : null}
    </Card>
  );
}
