// Operator sign-in with the admin key (validated by listing platforms).
import { type FormEvent, useState } from 'react';
import { ApiClient, type Platform } from '../api';
import type { Session } from '../session/session';
import { Field } from '../ui/field';
import { ErrorNotice } from '../ui/notice';

interface AdminSignInFormProps {
  onSignedIn: (session: Session) => void;
}

export function AdminSignInForm({ onSignedIn }: AdminSignInFormProps) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmedKey = key.trim();
    setPending(true);
    setError(null);
    try {
      await new ApiClient(trimmedKey).list<Platform>('/v1/admin/platforms', { limit: 1 });
      onSignedIn({ kind: 'admin', key: trimmedKey });
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="form-stack" onSubmit={(event) => void onSubmit(event)}>
      <p className="muted">
        The operator's admin key (<code>sk-admin_…</code>) comes from <code>ASSISTIV_ADMIN_KEY</code>, or was printed once on the gateway's
        first start and stored in its data directory.
      </p>
      <Field label="Admin key">
        <input
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="sk-admin_…"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
          data-testid="signin-admin-key"
        />
      </Field>
      <ErrorNotice error={error} testId="signin-error" />
      <button type="submit" className="button button-primary button-block" disabled={pending} data-testid="signin-admin-submit">
        {pending ? 'Signing in…' : 'Sign in as operator'}
      </button>
    </form>
  );
}
