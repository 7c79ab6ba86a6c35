// Platform sign-in with a key alone (its platform is found with GET /v1/auth/key-info) or a key and Platform ID.
import { ApiClient, TypedApi } from '../api';
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
    const givenId = draft.values.platformId.trim();
    const api = new TypedApi(new ApiClient(key));
    const platform = givenId
      ? await api.get('/v1/platforms/{platformId}', { path: { platformId: givenId } })
      : (await api.get('/v1/auth/key-info')).platform;
    if (!platform) throw new Error('That is an operator admin key: use the Operator tab.');
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
        Paste a <strong>platform API key</strong> (<code>sk-plat_…</code>): the gateway knows its platform. Anyone holding it has every
        right on the platform, so prefer signing in with your email.
      </p>
      <TextField label="Platform API key" {...draft.bind('key')} secret placeholder="sk-plat_…" required testId="signin-platform-key" />
      <TextField
        label="Platform ID"
        {...draft.bind('platformId')}
        mono
        placeholder="optional: found from the key"
        testId="signin-platform-id"
      />
      <ActionFeedback action={action} testId="signin" />
    </ActionForm>
  );
}
