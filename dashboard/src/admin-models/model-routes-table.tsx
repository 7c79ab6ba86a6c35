// Model routes with every price bucket and their tiers; each row opens a price editor below it.
import type { ModelRoute, Provider } from '../api';
import { EmptyState } from '../ui/empty-state';
import { ModelRouteRow } from './model-route-row';
import type { ModelRouteUpdate } from './route-prices';

interface ModelRoutesTableProps {
  routes: ModelRoute[];
  providers: Provider[];
  busy: boolean;
  onSavePrices: (route: ModelRoute, body: ModelRouteUpdate) => Promise<void>;
  onToggle: (route: ModelRoute) => void;
  onDelete: (route: ModelRoute) => void;
}

export function ModelRoutesTable({ routes, providers, busy, onSavePrices, onToggle, onDelete }: ModelRoutesTableProps) {
  if (routes.length === 0)
    return <EmptyState title="No model routes. Add one above so platforms can call that model." testId="admin-models-empty" />;
  const names = new Map(providers.map((provider) => [provider.id, provider.name]));
  return (
    <div className="table-scroll">
      <table className="table table-dense" data-testid="admin-models-table">
        <thead>
          <tr>
            <th>Model</th>
            <th title="Lower priority is tried first">Provider</th>
            <th className="num">Input</th>
            <th className="num">Output</th>
            <th className="num" title="Prompt tokens read from the provider's cache">
              Cached
            </th>
            <th className="num" title="Prompt tokens written to the cache for 5 minutes / 1 hour">
              Write 5m / 1h
            </th>
            <th className="num" title="Long-context tiers: above this many prompt tokens, the tier's prices apply">
              Tiers
            </th>
            <th className="num">Max out</th>
            <th>Status</th>
            <th className="actions-col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {routes.map((route) => (
            <ModelRouteRow
              key={route.id}
              route={route}
              providerName={names.get(route.provider_id) ?? route.provider_id}
              busy={busy}
              onSavePrices={onSavePrices}
              onToggle={onToggle}
              onDelete={onDelete}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
