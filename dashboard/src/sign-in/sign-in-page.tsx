// Sign-in: email and password first; a platform key or the operator's admin key as the alternatives.
import { useState } from 'react';
import type { Session } from '../session/session';
import { Notice } from '../ui/notice';
import { AdminSignInForm } from './admin-sign-in-form';
import { EmailSignInForm } from './email-sign-in-form';
import { PlatformSignInForm } from './platform-sign-in-form';

interface SignInPageProps {
  onSignedIn: (session: Session) => void;
  /** Why the last session ended, when the gateway ended it. */
  endedReason: string | null;
}

type Mode = 'email' | 'platform' | 'admin';

const modes: ReadonlyArray<{ value: Mode; label: string }> = [
  { value: 'email', label: 'Email' },
  { value: 'platform', label: 'Platform key' },
  { value: 'admin', label: 'Operator key' },
];

export function SignInPage({ onSignedIn, endedReason }: SignInPageProps) {
  const [mode, setMode] = useState<Mode>('email');
  return (
    <div className="sign-in">
      <div className="sign-in-panel">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Assistiv Gateway</span>
        </div>
        {endedReason ? (
          <Notice tone="warning" testId="session-ended">
            {endedReason}
          </Notice>
        ) : null}
        <div className="tabs" role="tablist">
          {modes.map((tab) => (
            <button
              key={tab.value}
              type="button"
              role="tab"
              aria-selected={mode === tab.value}
              className={mode === tab.value ? 'tab tab-active' : 'tab'}
              onClick={() => setMode(tab.value)}
              data-testid={`signin-tab-${tab.value}`}
            >
              {tab.label}
            </button>
          ))}
        </div>
        {mode === 'email' ? <EmailSignInForm onSignedIn={onSignedIn} /> : null}
        {mode === 'platform' ? <PlatformSignInForm onSignedIn={onSignedIn} /> : null}
        {mode === 'admin' ? <AdminSignInForm onSignedIn={onSignedIn} /> : null}
        <p className="sign-in-foot muted">
          {mode === 'email'
            ? 'Signed in with a session cookie for 12 hours of use. Got an invite link? Open it to set your password.'
            : 'Keys are kept in this browser tab only (session storage) and forgotten when you sign out or close it.'}
        </p>
      </div>
    </div>
  );
}
