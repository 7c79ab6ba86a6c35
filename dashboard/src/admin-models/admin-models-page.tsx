// Operator: model routes and their per-million-token prices — list, create, edit prices, delete.
import { useState } from 'react';
import type { ModelRoute } from '../api';
import { useSession } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { PagedView } from '../ui/paged-view';
import { Select } from '../ui/select-field';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { ModelRouteCreateForm } from './model-route-create-form';
import { ModelRoutesTable } from './model-routes-table';
import type { ModelRouteUpdate } from './route-prices';

const pageSize = 50;

export function AdminModelsPage() {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const [providerId, setProviderId] = useState('');
  const change = useAction();
  const can = useCan();
  const providers = useResource(() => api.list('/v1/admin/providers', { query: { limit: 100 } }), [api]);
  const routes = useResource(
    () => api.list('/v1/admin/models', { query: { page, limit: pageSize, provider_id: providerId } }),
    [api, page, providerId],
  );
  const providerList = providers.data?.data ?? [];

  const update = (route: ModelRoute, body: ModelRouteUpdate, done: string): Promise<boolean> =>
    change.run(async () => {
      await api.patch('/v1/admin/models/{modelId}', { path: { modelId: route.id }, body });
      routes.reload();
      return done;
    });

  // The editor shows its own errors by field; only the success goes to the card's banner.
  const savePrices = async (route: ModelRoute, body: ModelRouteUpdate): Promise<void> => {
    change.reset();
    await api.patch('/v1/admin/models/{modelId}', { path: { modelId: route.id }, body });
    routes.reload();
    void change.run(async () => `Prices of ${route.slug} saved.`);
  };

  const remove = (route: ModelRoute): void => {
    void change.run(async () => {
      await api.delete('/v1/admin/models/{modelId}', { path: { modelId: route.id } });
      routes.reload();
      return `Route ${route.slug} deleted.`;
    });
  };

  return (
    <>
      <PageHeader
        title="Models & prices"
        description="Each route serves a model slug through one provider at USD prices per million tokens. Lower priority is tried first."
      />
      <div className="stack">
        {can('POST', '/v1/admin/models') ? <ModelRouteCreateForm providers={providerList} onCreated={routes.reload} /> : null}
        <Card
          title="Routes"
          description="USD per million tokens. An empty cache price falls back to the input price; tiers reprice whole requests above a prompt size."
          flush
          testId="admin-models"
          actions={
            <Select
              small
              value={providerId}
              onChange={(value) => {
                setPage(1);
                setProviderId(value);
              }}
              options={[
                { value: '', label: 'All providers' },
                ...providerList.map((provider) => ({ value: provider.id, label: provider.name })),
              ]}
              ariaLabel="Provider"
              testId="models-provider-filter"
            />
          }
        >
          <div className="card-section card-section-tight">
            <ActionFeedback action={change} testId="model-change" />
          </div>
          <PagedView resource={routes} onPage={setPage}>
            {(rows) => (
              <ModelRoutesTable
                routes={rows}
                providers={providerList}
                busy={change.pending}
                onSavePrices={savePrices}
                onToggle={(route) =>
                  void update(route, { is_enabled: !route.is_enabled }, `${route.slug} ${route.is_enabled ? 'disabled' : 'enabled'}.`)
                }
                onDelete={remove}
              />
            )}
          </PagedView>
        </Card>
      </div>
    </>
  );
}
