// A table of API key records (prefix, name, usage, status) with a revoke button per active key.
import type { ApiKey } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { Badge } from './badge';
import { ConfirmButton } from './confirm-button';
import { EmptyState } from './empty-state';

interface ApiKeysTableProps {
  keys: ApiKey[];
  /** Absent for a role that cannot revoke keys: no Revoke buttons. */
  onRevoke?: (key: ApiKey) => void;
  busy: boolean;
  emptyTitle: string;
  testId: string;
  /** Prefix of the key this session uses, to flag it. */
  currentPrefix?: string;
}

export function ApiKeysTable({ keys, onRevoke, busy, emptyTitle, testId, currentPrefix }: ApiKeysTableProps) {
  if (keys.length === 0) return <EmptyState title={emptyTitle} testId={`${testId}-empty`} />;
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>Key</th>
          <th>Name</th>
          <th>Created</th>
          <th>Last used</th>
          <th>Status</th>
          <th className="actions-col" aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => {
          const current = currentPrefix !== undefined && key.key_prefix === currentPrefix;
          return (
            <tr key={key.id} data-testid={`api-key-row-${key.id}`} data-key-prefix={key.key_prefix}>
              <td>
                <code className="mono">{key.key_prefix}…</code>
                {current ? <Badge tone="blue">This session</Badge> : null}
              </td>
              <td>{key.name ?? <span className="muted">—</span>}</td>
              <td className="nowrap">{formatDateTime(key.created_at)}</td>
              <td className="nowrap">{key.last_used_at ? formatDateTime(key.last_used_at) : <span className="muted">Never</span>}</td>
              <td>{key.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Revoked</Badge>}</td>
              <td className="actions-col">
                {key.is_active && onRevoke ? (
                  <ConfirmButton
                    label="Revoke"
                    confirmLabel={current ? 'Revoke and sign out' : 'Confirm revoke'}
                    onConfirm={() => onRevoke(key)}
                    disabled={busy}
                    testId={`revoke-key-${key.id}`}
                  />
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
