// Provider rows with an inline base-URL editor.
import type { Provider } from '../api';
import { providerKindLabels } from '../format/provider-kind-label';
import { useCan } from '../session/use-can';
import { Badge } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import { IdWithCopy } from '../ui/id-with-copy';
import { BaseUrlEditor } from './base-url-editor';

interface ProvidersTableProps {
  providers: Provider[];
  busy: boolean;
  onSaveBaseUrl: (provider: Provider, baseUrl: string) => Promise<boolean>;
  onToggle: (provider: Provider) => void;
}

export function ProvidersTable({ providers, busy, onSaveBaseUrl, onToggle }: ProvidersTableProps) {
  const mayEdit = useCan()('PATCH', '/v1/admin/providers/:providerId');
  if (providers.length === 0) return <EmptyState title="No providers. Add one above so platforms can attach their keys." />;
  return (
    <table className="table" data-testid="admin-providers-table">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Wire format</th>
          <th>Base URL</th>
          <th>Provider ID</th>
          <th>Status</th>
          <th className="actions-col" aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {providers.map((provider) => (
          <tr key={provider.id} data-testid={`admin-provider-row-${provider.slug}`}>
            <td className="nowrap">
              <span className="strong">{provider.name}</span>
              <code className="mono sub">{provider.slug}</code>
            </td>
            <td className="nowrap">{providerKindLabels[provider.kind]}</td>
            <td>
              {mayEdit ? (
                <BaseUrlEditor
                  value={provider.base_url ?? ''}
                  busy={busy}
                  onSave={(baseUrl) => onSaveBaseUrl(provider, baseUrl)}
                  testId={`base-url-${provider.slug}`}
                />
              ) : (
                <code className="mono">{provider.base_url ?? '—'}</code>
              )}
            </td>
            <td>
              <IdWithCopy id={provider.id} testId={`admin-provider-id-${provider.slug}`} />
            </td>
            <td>{provider.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Disabled</Badge>}</td>
            <td className="actions-col">
              {mayEdit ? (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  onClick={() => onToggle(provider)}
                  data-testid={`toggle-provider-${provider.slug}`}
                >
                  {provider.is_active ? 'Disable' : 'Enable'}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
