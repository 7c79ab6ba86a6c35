// Settings → Delete platform (owners only): the platform and all of its data go at once, so typing its name confirms.
import { useState } from 'react';
import type { Platform } from '../api';
import { usePlatform, useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';

export function DeletePlatformCard({ platform }: { platform: Platform }) {
  const { api } = usePlatform();
  const { signOut } = useSession();
  const [typed, setTyped] = useState('');
  const remove = useAction();

  const onDelete = async (): Promise<null> => {
    await api.delete('');
    // Every member's session and key went with the platform: this one too.
    signOut();
    return null;
  };

  return (
    <Card
      title="Delete platform"
      description="Deletes the platform with its end users, API keys, wallet and ledger, logs, webhooks and members. It cannot be undone; the operator's audit log keeps the deletion."
      testId="delete-platform"
    >
      <ActionForm
        action={remove}
        onSubmit={onDelete}
        className="form-stack"
        actionsPlacement="row"
        actions={
          <SubmitButton
            pending={remove.pending}
            label="Delete this platform"
            pendingLabel="Deleting…"
            tone="danger"
            disabled={typed !== platform.name}
            testId="delete-platform-submit"
          />
        }
      >
        <TextField
          label="Platform name"
          hint={
            <>
              Type <strong>{platform.name}</strong> to confirm.
            </>
          }
          value={typed}
          onChange={setTyped}
          testId="delete-platform-name"
        />
      </ActionForm>
      <ActionFeedback action={remove} testId="delete-platform" />
    </Card>
  );
}
