// Sign-in with a platform key + Platform ID (validated by GET /v1/platforms/{id}) or the operator's admin key.
import { useState } from 'react';
import type { Session } from '../session/session';
import { Notice } from '../ui/notice';
import { AdminSignInForm } from './admin-sign-in-form';
import { PlatformSignInForm } from './platform-sign-in-form';

interface SignInPageProps {
  onSignedIn: (session: Session) => void;
  /** Why the last session ended, when the gateway ended it. */
  endedReason: string | null;
}

export function SignInPage({ onSignedIn, endedReason }: SignInPageProps) {
  const [mode, setMode] = useState<'platform' | 'admin'>('platform');
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
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'platform'}
            className={mode === 'platform' ? 'tab tab-active' : 'tab'}
            onClick={() => setMode('platform')}
            data-testid="signin-tab-platform"
          >
            Platform
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'admin'}
            className={mode === 'admin' ? 'tab tab-active' : 'tab'}
            onClick={() => setMode('admin')}
            data-testid="signin-tab-admin"
          >
            Operator
          </button>
        </div>
        {mode === 'platform' ? <PlatformSignInForm onSignedIn={onSignedIn} /> : <AdminSignInForm onSignedIn={onSignedIn} />}
        <p className="sign-in-foot muted">
          Keys are kept in this browser tab only (session storage) and forgotten when you sign out or close it.
        </p>
      </div>
    </div>
  );
}
