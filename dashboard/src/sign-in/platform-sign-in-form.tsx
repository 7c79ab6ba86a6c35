// Platform sign-in: the key goes in the Authorization header, the ID in every path.
import { ApiClient, type Platform } from '../api';
import type { Session } from '../session/session';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

interface PlatformSignInFormProps {
  onSignedIn: (session: Session) => void;
}

export function PlatformSignInForm({ onSignedIn }: PlatformSignInFormProps) {
  const action = useAction();
  const draft = useDraft({ key: '', platformId: '' });

  const signIn = async (): Promise<null> => {
    const key = draft.values.key.trim();
    if (key.startsWith('sk-admin_')) throw new Error('That is an operator admin key: use the Operator tab.');
    const platform = await new ApiClient(key).get<Platform>(`/v1/platforms/${encodeURIComponent(draft.values.platformId.trim())}`);
    onSignedIn({ kind: 'platform', key, platformId: platform.id, platformName: platform.name });
    return null;
  };

  return (
    <ActionForm
      action={action}
      onSubmit={signIn}
      className="form-stack"
      actionsPlacement="inline"
      actions={<SubmitButton pending={action.pending} label="Sign in" pendingLabel="Signing in…" block testId="signin-submit" />}
    >
      <p className="muted">
        Your operator gave you two things when your platform was provisioned: a <strong>platform API key</strong> (<code>sk-plat_…</code>)
        and a <strong>Platform ID</strong> (a UUID, the one in every <code>/v1/platforms/&#123;id&#125;/…</code> URL). Once signed in, the
        ID is also shown under Settings → Platform info.
      </p>
      <TextField label="Platform API key" {...draft.bind('key')} secret placeholder="sk-plat_…" required testId="signin-platform-key" />
      <TextField
        label="Platform ID"
        {...draft.bind('platformId')}
        mono
        placeholder="f47ac10b-58cc-4372-…"
        required
        testId="signin-platform-id"
      />
      <ActionFeedback action={action} testId="signin" />
    </ActionForm>
  );
}
