// Creates a platform and shows its ID and raw platform key once.
import { type FormEvent, useState } from 'react';
import type { CreatedPlatform } from '../api';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { Field } from '../ui/field';
import { IdWithCopy } from '../ui/id-with-copy';
import { RawKeyBox } from '../ui/raw-key-box';
import { useAction } from '../ui/use-action';

export function PlatformCreateForm({ onCreated }: { onCreated: () => void }) {
  const { client } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [created, setCreated] = useState<CreatedPlatform | null>(null);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    setCreated(null);
    void action.run(async () => {
      const platform = await client.post<CreatedPlatform>('/v1/admin/platforms', {
        name: name.trim(),
        ...(slug.trim() ? { slug: slug.trim() } : {}),
      });
      setCreated(platform);
      setName('');
      setSlug('');
      onCreated();
      return `Platform ${platform.name} created with an empty wallet.`;
    });
  };

  return (
    <Card title="Create a platform">
      <form className="form-grid form-grid-3" onSubmit={onSubmit}>
        <Field label="Name">
          <input
            className="input"
            placeholder="Acme Inc."
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            data-testid="admin-platform-name"
          />
        </Field>
        <Field label="Slug (optional)">
          <input
            className="input"
            placeholder="acme"
            value={slug}
            onChange={(event) => setSlug(event.target.value)}
            data-testid="admin-platform-slug"
          />
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="admin-platform-create">
            {action.pending ? 'Creating…' : 'Create platform'}
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="admin-platform-create" />
      {created ? (
        <div className="stack-tight">
          <p className="muted">
            Platform ID <IdWithCopy id={created.id} testId="created-platform-id" full />
          </p>
          <RawKeyBox rawKey={created.api_key.raw_key} title={`Platform key for ${created.name}`} onDismiss={() => setCreated(null)} />
        </div>
      ) : null}
    </Card>
  );
}
