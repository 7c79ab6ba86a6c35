// Model routes with prices; each row can switch to a price editor.
import type { ModelRoute, Provider } from '../api';
import { EmptyState } from '../ui/empty-state';
import { ModelRouteRow } from './model-route-row';
import type { RoutePrices } from './route-prices';

interface ModelRoutesTableProps {
  routes: ModelRoute[];
  providers: Provider[];
  busy: boolean;
  onSavePrices: (route: ModelRoute, prices: RoutePrices) => Promise<boolean>;
  onToggle: (route: ModelRoute) => void;
  onDelete: (route: ModelRoute) => void;
}

export function ModelRoutesTable({ routes, providers, busy, onSavePrices, onToggle, onDelete }: ModelRoutesTableProps) {
  if (routes.length === 0)
    return <EmptyState title="No model routes. Add one above so platforms can call that model." testId="admin-models-empty" />;
  const names = new Map(providers.map((provider) => [provider.id, provider.name]));
  return (
    <div className="table-scroll">
      <table className="table" data-testid="admin-models-table">
        <thead>
          <tr>
            <th>Model</th>
            <th>Provider</th>
            <th className="num">Input</th>
            <th className="num">Output</th>
            <th className="num">Cached</th>
            <th className="num">Max out</th>
            <th className="num">Priority</th>
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
