// Platform API keys: create (raw key shown once), list with pagination, revoke.
import { useState } from 'react';
import type { ApiKey } from '../api';
import { platformRoute } from '../session/session';
import { usePlatform, useSession } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { ApiKeysTable } from '../ui/api-keys-table';
import { Card } from '../ui/card';
import { PagedView } from '../ui/paged-view';
import { RawKeyBox } from '../ui/raw-key-box';
import { SubmitButton } from '../ui/submit-button';
import { TextInput } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';

const pageSize = 10;

export function PlatformKeysCard() {
  const { api } = usePlatform();
  const { session, signOut } = useSession();
  const [page, setPage] = useState(1);
  const [name, setName] = useState('');
  const [rawKey, setRawKey] = useState<string | null>(null);
  const create = useAction();
  const revoke = useAction();
  const can = useCan();
  const mayCreate = can('POST', `${platformRoute}/api-keys`);
  const mayRevoke = can('DELETE', `${platformRoute}/api-keys/:keyId`);
  const keys = useResource(() => api.list('/api-keys', { query: { type: 'platform', page, limit: pageSize } }), [api, page]);
  // A member session uses no key: no row is "this session".
  const ownPrefix = session.key ? session.key.slice(0, 12) : undefined;

  const onCreate = async (): Promise<string> => {
    revoke.reset();
    const created = await api.post('/api-keys', { body: name.trim() ? { name: name.trim() } : {} });
    setRawKey(created.raw_key);
    setName('');
    keys.reload();
    return `Key ${created.key_prefix}… created.`;
  };

  const onRevoke = (key: ApiKey): void => {
    create.reset();
    void revoke.run(async () => {
      await api.delete('/api-keys/{keyId}', { path: { keyId: key.id } });
      if (key.key_prefix === ownPrefix) {
        signOut();
        return null;
      }
      keys.reload();
      return `Key ${key.key_prefix}… revoked. It stops working immediately.`;
    });
  };

  return (
    <Card
      title="API keys"
      description="Platform keys (sk-plat_…) manage users and billing: keep them server-side. Several can be active at once for rotation."
      testId="platform-keys"
      flush
    >
      <div className="card-section">
        {mayCreate ? (
          <ActionForm
            action={create}
            onSubmit={onCreate}
            className="inline-form"
            actionsPlacement="inline"
            actions={<SubmitButton pending={create.pending} label="Create key" pendingLabel="Creating…" testId="platform-key-create" />}
          >
            <TextInput
              value={name}
              onChange={setName}
              placeholder="Key name (e.g. production server)"
              ariaLabel="Key name"
              testId="platform-key-name"
            />
          </ActionForm>
        ) : (
          <span className="muted small">Creating and revoking keys needs the developer role.</span>
        )}
        <ActionFeedback action={create} testId="platform-key-create" />
        {rawKey ? <RawKeyBox rawKey={rawKey} title="Your new platform API key" onDismiss={() => setRawKey(null)} /> : null}
        <ActionFeedback action={revoke} testId="platform-key-revoke" />
      </div>
      <PagedView resource={keys} onPage={setPage} testId="platform-keys-pagination">
        {(rows) => (
          <ApiKeysTable
            keys={rows}
            currentPrefix={ownPrefix}
            onRevoke={mayRevoke ? onRevoke : undefined}
            busy={revoke.pending}
            emptyTitle="No platform keys. Create one to call the API from your server."
            testId="platform-keys-table"
          />
        )}
      </PagedView>
    </Card>
  );
}
