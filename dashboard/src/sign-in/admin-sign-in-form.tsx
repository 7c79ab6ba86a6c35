// Operator sign-in with the admin key (validated by listing platforms).
import { ApiClient, TypedApi } from '../api';
import type { Session } from '../session/session';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

interface AdminSignInFormProps {
  onSignedIn: (session: Session) => void;
}

export function AdminSignInForm({ onSignedIn }: AdminSignInFormProps) {
  const action = useAction();
  const draft = useDraft({ key: '' });

  const signIn = async (): Promise<null> => {
    const key = draft.values.key.trim();
    await new TypedApi(new ApiClient(key)).list('/v1/admin/platforms', { query: { limit: 1 } });
    onSignedIn({ kind: 'admin', key });
    return null;
  };

  return (
    <ActionForm
      action={action}
      onSubmit={signIn}
      className="form-stack"
      actionsPlacement="inline"
      actions={
        <SubmitButton pending={action.pending} label="Sign in as operator" pendingLabel="Signing in…" block testId="signin-admin-submit" />
      }
    >
      <p className="muted">
        The operator's admin key (<code>sk-admin_…</code>) comes from <code>ASSISTIV_ADMIN_KEY</code>, or was printed once on the gateway's
        first start and stored in its data directory.
      </p>
      <TextField label="Admin key" {...draft.bind('key')} secret placeholder="sk-admin_…" required testId="signin-admin-key" />
      <ActionFeedback action={action} testId="signin" />
    </ActionForm>
  );
}
