// Member sign-in with email and password (POST /v1/auth/sessions sets an HttpOnly cookie); the primary way in.
import { useState } from 'react';
import { ApiClient, ApiError, type Schemas, TypedApi } from '../api';
import type { Session } from '../session/session';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

/** `POST /v1/auth/sessions`: the member, its platform (null for an operator), role and CSRF token. */
type SignedIn = Schemas['Session'];

export function EmailSignInForm({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const action = useAction();
  const draft = useDraft({ email: '', password: '', platformId: '' });
  // Shown only when the gateway says this email signs in to several platforms.
  const [askPlatform, setAskPlatform] = useState(false);

  const signIn = async (): Promise<null> => {
    const platformId = draft.values.platformId.trim();
    let data: SignedIn;
    try {
      data = await new TypedApi(new ApiClient('')).post('/v1/auth/sessions', {
        body: {
          email: draft.values.email.trim(),
          password: draft.values.password,
          ...(askPlatform ? { platform_id: platformId || null } : {}),
        },
      });
    } catch (err) {
      if (err instanceof ApiError && err.param === 'platform_id') setAskPlatform(true);
      throw err;
    }
    const member = { csrf: data.csrf_token, role: data.role, email: data.member.email };
    onSignedIn(
      data.platform
        ? { kind: 'platform', key: '', platformId: data.platform.id, platformName: data.platform.name, member }
        : { kind: 'admin', key: '', member },
    );
    return null;
  };

  return (
    <ActionForm
      action={action}
      onSubmit={signIn}
      className="form-stack"
      actionsPlacement="inline"
      actions={<SubmitButton pending={action.pending} label="Sign in" pendingLabel="Signing in…" block testId="signin-email-submit" />}
    >
      <TextField label="Email" {...draft.bind('email')} placeholder="you@example.com" required testId="signin-email" />
      <TextField label="Password" {...draft.bind('password')} secret required testId="signin-password" />
      {askPlatform ? (
        <TextField
          label="Platform ID"
          {...draft.bind('platformId')}
          mono
          hint="Your email belongs to several platforms: which one? (Leave empty for the operator account.)"
          testId="signin-email-platform-id"
        />
      ) : null}
      <ActionFeedback action={action} testId="signin-email" />
    </ActionForm>
  );
}
