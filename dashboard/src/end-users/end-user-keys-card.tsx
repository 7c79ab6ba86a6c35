// One end user's API keys: issue a new one (raw key shown once) and revoke.
import { useState } from 'react';
import type { ApiKey } from '../api';
import { endUserRoute, platformRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { ApiKeysTable } from '../ui/api-keys-table';
import { Card } from '../ui/card';
import { RawKeyBox } from '../ui/raw-key-box';
import { ResourceView } from '../ui/resource-view';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { loadEndUserKeys } from './load-end-user-keys';

export function EndUserKeysCard({ endUserId }: { endUserId: string }) {
  const { api } = usePlatform();
  const [rawKey, setRawKey] = useState<string | null>(null);
  const action = useAction();
  const can = useCan();
  const keys = useResource(() => loadEndUserKeys(api, endUserId), [api, endUserId]);

  const issue = (): void => {
    void action.run(async () => {
      const created = await api.post('/end-users/{endUserId}/api-keys', { path: { endUserId }, body: {} });
      setRawKey(created.raw_key);
      keys.reload();
      return `Key ${created.key_prefix}… issued.`;
    });
  };

  const revoke = (key: ApiKey): void => {
    void action.run(async () => {
      await api.delete('/api-keys/{keyId}', { path: { keyId: key.id } });
      keys.reload();
      return `Key ${key.key_prefix}… revoked.`;
    });
  };

  return (
    <Card
      title="API keys"
      description="End-user keys (sk-eu_…) may be used from browsers; they only reach inference and /v1/me."
      flush
      testId="end-user-keys"
      actions={
        can('POST', `${endUserRoute}/api-keys`) ? (
          <button
            type="button"
            className="button button-small button-primary"
            onClick={issue}
            disabled={action.pending}
            data-testid="end-user-issue-key"
          >
            Issue key
          </button>
        ) : null
      }
    >
      {action.error || action.success || rawKey ? (
        <div className="card-section">
          <ActionFeedback action={action} testId="end-user-key" />
          {rawKey ? <RawKeyBox rawKey={rawKey} title="New end-user API key" onDismiss={() => setRawKey(null)} /> : null}
        </div>
      ) : null}
      <ResourceView resource={keys}>
        {(list) => (
          <ApiKeysTable
            keys={list}
            onRevoke={can('DELETE', `${platformRoute}/api-keys/:keyId`) ? revoke : undefined}
            busy={action.pending}
            emptyTitle="This end user has no keys. Issue one to let them call the API."
            testId="end-user-keys-table"
          />
        )}
      </ResourceView>
    </Card>
  );
}
