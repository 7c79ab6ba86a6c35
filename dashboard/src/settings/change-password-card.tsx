// "Your account" for a member session: change your password (the API signs out your other sessions).
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function ChangePasswordCard() {
  const { api, session } = useSession();
  const action = useAction();
  const draft = useDraft({ current: '', next: '' });
  if (!session.member) return null;

  const change = async (): Promise<string> => {
    await api.post('/v1/auth/password', { body: { current_password: draft.values.current, new_password: draft.values.next } });
    draft.reset();
    return 'Password changed. Your other dashboard sessions were signed out; this one stays signed in.';
  };

  return (
    <Card
      title="Your account"
      description={`Signed in as ${session.member.email} (${session.member.role}). Change your password: at least 12 characters, not a common one, a keyboard run or your email's name.`}
      testId="account-card"
    >
      <ActionForm
        action={action}
        onSubmit={change}
        className="form-stack"
        actionsPlacement="inline"
        actions={<SubmitButton pending={action.pending} label="Change password" pendingLabel="Saving…" testId="password-submit" />}
      >
        <TextField label="Current password" {...draft.bind('current')} secret required testId="password-current" />
        <TextField label="New password" {...draft.bind('next')} secret required testId="password-new" />
        <ActionFeedback action={action} testId="password" />
      </ActionForm>
    </Card>
  );
}
