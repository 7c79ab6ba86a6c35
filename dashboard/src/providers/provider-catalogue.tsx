// The operator's providers as a table with copyable IDs.
import type { Provider } from '../api';
import { providerKindLabels } from '../format/provider-kind-label';
import { Badge } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import { IdWithCopy } from '../ui/id-with-copy';

export function ProviderCatalogue({ providers }: { providers: Provider[] }) {
  if (providers.length === 0) return <EmptyState title="No providers are configured on this gateway. Ask your operator to add one." />;
  return (
    <table className="table" data-testid="provider-catalogue-table">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Slug</th>
          <th>Wire format</th>
          <th>Provider ID</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {providers.map((provider) => (
          <tr key={provider.id} data-testid={`provider-row-${provider.slug}`}>
            <td className="strong">{provider.name}</td>
            <td>
              <code className="mono">{provider.slug}</code>
            </td>
            <td className="nowrap">{providerKindLabels[provider.kind]}</td>
            <td>
              <IdWithCopy id={provider.id} testId={`provider-id-${provider.slug}`} />
            </td>
            <td>{provider.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Disabled</Badge>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
