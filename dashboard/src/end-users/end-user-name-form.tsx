// Renames an end user (PATCH display_name; empty clears it).
import type { EndUser } from '../api';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { SubmitButton } from '../ui/submit-button';
import { TextInput } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function EndUserNameForm({ user, onSaved }: { user: EndUser; onSaved: () => void }) {
  const { api } = usePlatform();
  const action = useAction();
  const draft = useDraft({ name: user.display_name ?? '' });

  const save = async (): Promise<string> => {
    const name = draft.values.name.trim();
    await api.patch('/end-users/{endUserId}', { path: { endUserId: user.id }, body: { display_name: name === '' ? null : name } });
    onSaved();
    return name === '' ? 'Display name cleared.' : `Renamed to ${name}.`;
  };

  return (
    <>
      <ActionForm
        action={action}
        onSubmit={save}
        className="inline-form"
        actionsPlacement="inline"
        testId="end-user-rename-form"
        actions={<SubmitButton pending={action.pending} label="Rename" tone="default" testId="end-user-rename-submit" />}
      >
        <TextInput {...draft.bind('name')} placeholder="Display name" ariaLabel="Display name" testId="end-user-rename-name" />
      </ActionForm>
      <ActionFeedback action={action} testId="end-user-rename" />
    </>
  );
}
