// Operator: the provider catalogue — add a provider, edit its base URL, enable / disable.
import { useState } from 'react';
import type { Provider } from '../api';
import { useSession } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { PagedView } from '../ui/paged-view';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { ProviderCreateForm } from './provider-create-form';
import { ProvidersTable } from './providers-table';

const pageSize = 50;

export function AdminProvidersPage() {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const change = useAction();
  const can = useCan();
  const providers = useResource(() => api.list('/v1/admin/providers', { query: { page, limit: pageSize } }), [api, page]);

  const update = (provider: Provider, body: Partial<Pick<Provider, 'base_url' | 'is_active'>>, done: string): Promise<boolean> =>
    change.run(async () => {
      await api.patch('/v1/admin/providers/{providerId}', { path: { providerId: provider.id }, body });
      providers.reload();
      return done;
    });

  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream services the gateway can route to. Any OpenAI-compatible server (Groq, Together, vLLM, Ollama…) is kind openai with its base URL."
      />
      <div className="stack">
        {can('POST', '/v1/admin/providers') ? <ProviderCreateForm onCreated={providers.reload} /> : null}
        <Card title="Catalogue" flush testId="admin-providers">
          <div className="card-section card-section-tight">
            <ActionFeedback action={change} testId="provider-change" />
          </div>
          <PagedView resource={providers} onPage={setPage}>
            {(rows) => (
              <ProvidersTable
                providers={rows}
                busy={change.pending}
                onSaveBaseUrl={(provider, baseUrl) => update(provider, { base_url: baseUrl }, `${provider.name} now calls ${baseUrl}.`)}
                onToggle={(provider) =>
                  void update(
                    provider,
                    { is_active: !provider.is_active },
                    `${provider.name} ${provider.is_active ? 'disabled' : 'enabled'}.`,
                  )
                }
              />
            )}
          </PagedView>
        </Card>
      </div>
    </>
  );
}
