// Creates a platform and shows its ID and raw platform key once.
import { useState } from 'react';
import type { CreatedPlatform } from '../api';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { IdWithCopy } from '../ui/id-with-copy';
import { RawKeyBox } from '../ui/raw-key-box';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function PlatformCreateForm({ onCreated }: { onCreated: () => void }) {
  const { api } = useSession();
  const action = useAction();
  const draft = useDraft({ name: '', slug: '' });
  const [created, setCreated] = useState<CreatedPlatform | null>(null);

  const create = async (): Promise<string> => {
    setCreated(null);
    const slug = draft.values.slug.trim();
    const platform = await api.post('/v1/admin/platforms', { body: { name: draft.values.name.trim(), ...(slug ? { slug } : {}) } });
    setCreated(platform);
    draft.reset();
    onCreated();
    return `Platform ${platform.name} created with an empty wallet.`;
  };

  return (
    <Card title="Create a platform" description="It starts with an empty wallet and one platform key, shown once.">
      <ActionForm
        action={action}
        onSubmit={create}
        className="form-grid form-grid-3"
        actions={<SubmitButton pending={action.pending} label="Create platform" pendingLabel="Creating…" testId="admin-platform-create" />}
      >
        <TextField label="Name" {...draft.bind('name')} placeholder="Acme Inc." required testId="admin-platform-name" />
        <TextField label="Slug (optional)" {...draft.bind('slug')} placeholder="acme" testId="admin-platform-slug" />
      </ActionForm>
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
