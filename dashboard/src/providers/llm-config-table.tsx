// Table of the platform's provider keys (only `key_hint` is ever shown).
import type { LlmConfig, Provider } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { Badge } from '../ui/badge';
import { ConfirmButton } from '../ui/confirm-button';
import { EmptyState } from '../ui/empty-state';

interface LlmConfigTableProps {
  configs: LlmConfig[];
  providers: Provider[];
  busy: boolean;
  /** Absent for a role that cannot edit configs (no Set default / Activate buttons); likewise onDelete. */
  edits?: { onSetDefault: (config: LlmConfig) => void; onToggleActive: (config: LlmConfig) => void };
  onDelete?: (config: LlmConfig) => void;
}

export function LlmConfigTable({ configs, providers, busy, edits, onDelete }: LlmConfigTableProps) {
  if (configs.length === 0) {
    return (
      <EmptyState title="Add a provider key to start routing." testId="llm-configs-empty">
        Pick a provider above and paste its API key. Requests for that provider's models are then routed and billed to your wallet.
      </EmptyState>
    );
  }
  const names = new Map(providers.map((provider) => [provider.id, provider.name]));
  return (
    <table className="table" data-testid="llm-configs-table">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Name</th>
          <th>Key</th>
          <th className="num">Priority</th>
          <th>Added</th>
          <th>Status</th>
          <th className="actions-col" aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {configs.map((config) => (
          <tr key={config.id} data-testid={`llm-config-row-${config.id}`}>
            <td className="strong">{names.get(config.provider_id) ?? config.provider_id}</td>
            <td>{config.name ?? <span className="muted">—</span>}</td>
            <td>
              <code className="mono" data-testid="llm-config-key-hint">
                ••••{config.key_hint ?? ''}
              </code>
            </td>
            <td className="num">{config.priority ?? '—'}</td>
            <td className="nowrap">{formatDateTime(config.created_at)}</td>
            <td className="badges">
              {config.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Inactive</Badge>}
              {config.is_default ? <Badge tone="blue">Default</Badge> : null}
            </td>
            <td className="actions-col">
              <span className="row-actions">
                {config.is_default || !edits ? null : (
                  <button
                    type="button"
                    className="button button-small"
                    disabled={busy}
                    onClick={() => edits.onSetDefault(config)}
                    data-testid={`llm-config-set-default-${config.id}`}
                  >
                    Set default
                  </button>
                )}
                {edits ? (
                  <button
                    type="button"
                    className="button button-small"
                    disabled={busy}
                    onClick={() => edits.onToggleActive(config)}
                    data-testid={`llm-config-toggle-${config.id}`}
                  >
                    {config.is_active ? 'Deactivate' : 'Activate'}
                  </button>
                ) : null}
                {onDelete ? (
                  <ConfirmButton
                    label="Delete"
                    confirmLabel="Confirm delete"
                    onConfirm={() => onDelete(config)}
                    disabled={busy}
                    testId={`llm-config-delete-${config.id}`}
                  />
                ) : null}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
