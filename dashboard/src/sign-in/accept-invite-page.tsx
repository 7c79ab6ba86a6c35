// The invite link's page (`#/invite/<token>`): set a password (12+ characters, not a common one), then sign in.
import { useState } from 'react';
import { ApiClient, TypedApi } from '../api';
import { navigate } from '../router/navigate';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Notice } from '../ui/notice';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function AcceptInvitePage({ token }: { token: string }) {
  const action = useAction();
  const draft = useDraft({ password: '', displayName: '' });
  const [done, setDone] = useState<string | null>(null);

  const accept = async (): Promise<null> => {
    const name = draft.values.displayName.trim();
    const result = await new TypedApi(new ApiClient('')).post('/v1/auth/invites/{token}', {
      path: { token },
      body: { password: draft.values.password, ...(name ? { display_name: name } : {}) },
    });
    setDone(result.member.email);
    return null;
  };

  return (
    <div className="sign-in">
      <div className="sign-in-panel">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Assistiv Gateway</span>
        </div>
        {done ? (
          <div className="form-stack">
            <Notice tone="success" testId="invite-accepted">
              Password set for {done}. Sign in with your email and password.
            </Notice>
            <button type="button" className="button button-primary" onClick={() => navigate('/sign-in')} data-testid="invite-go-sign-in">
              Go to sign-in
            </button>
          </div>
        ) : (
          <ActionForm
            action={action}
            onSubmit={accept}
            className="form-stack"
            actionsPlacement="inline"
            actions={<SubmitButton pending={action.pending} label="Set password" pendingLabel="Saving…" block testId="invite-submit" />}
          >
            <p className="muted">
              You were invited to the dashboard. Choose a password of at least 12 characters that is not a common one, a keyboard run or
              your email's name: a few unrelated words work well.
            </p>
            <TextField label="Password" {...draft.bind('password')} secret required testId="invite-password" />
            <TextField label="Your name (optional)" {...draft.bind('displayName')} testId="invite-display-name" />
            <ActionFeedback action={action} testId="invite" />
          </ActionForm>
        )}
      </div>
    </div>
  );
}
