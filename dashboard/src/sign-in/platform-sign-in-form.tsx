// Platform sign-in: the key goes in the Authorization header, the ID in every path.
import { type FormEvent, useState } from 'react';
import { ApiClient, type Platform } from '../api';
import type { Session } from '../session/session';
import { Field } from '../ui/field';
import { ErrorNotice } from '../ui/notice';

interface PlatformSignInFormProps {
  onSignedIn: (session: Session) => void;
}

export function PlatformSignInForm({ onSignedIn }: PlatformSignInFormProps) {
  const [key, setKey] = useState('');
  const [platformId, setPlatformId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmedKey = key.trim();
    const trimmedId = platformId.trim();
    if (trimmedKey.startsWith('sk-admin_')) {
      setError(new Error('That is an operator admin key: use the Operator tab.'));
      return;
    }
    setPending(true);
    setError(null);
    try {
      const client = new ApiClient(trimmedKey);
      const platform = await client.get<Platform>(`/v1/platforms/${encodeURIComponent(trimmedId)}`);
      onSignedIn({ kind: 'platform', key: trimmedKey, platformId: platform.id, platformName: platform.name });
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="form-stack" onSubmit={(event) => void onSubmit(event)}>
      <p className="muted">
        Your operator gave you two things when your platform was provisioned: a <strong>platform API key</strong> (<code>sk-plat_…</code>)
        and a <strong>Platform ID</strong> (a UUID, the one in every <code>/v1/platforms/&#123;id&#125;/…</code> URL). Once signed in, the
        ID is also shown under Settings → Platform info.
      </p>
      <Field label="Platform API key">
        <input
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="sk-plat_…"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
          data-testid="signin-platform-key"
        />
      </Field>
      <Field label="Platform ID">
        <input
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          placeholder="f47ac10b-58cc-4372-…"
          value={platformId}
          onChange={(event) => setPlatformId(event.target.value)}
          required
          data-testid="signin-platform-id"
        />
      </Field>
      <ErrorNotice error={error} testId="signin-error" />
      <button type="submit" className="button button-primary button-block" disabled={pending} data-testid="signin-submit">
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
