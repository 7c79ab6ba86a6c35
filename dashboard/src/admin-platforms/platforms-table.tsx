// The operator's list of platforms with suspend / reactivate.
import type { Platform } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { Badge } from '../ui/badge';
import { ConfirmButton } from '../ui/confirm-button';
import { EmptyState } from '../ui/empty-state';
import { IdWithCopy } from '../ui/id-with-copy';

interface PlatformsTableProps {
  platforms: Platform[];
  busy: boolean;
  /** Absent for a role that cannot suspend platforms: no Suspend / Reactivate buttons. */
  onToggle?: (platform: Platform) => void;
}

export function PlatformsTable({ platforms, busy, onToggle }: PlatformsTableProps) {
  if (platforms.length === 0) {
    return (
      <EmptyState
        title="No platforms yet. Create the first one above and hand its key and ID to the tenant."
        testId="admin-platforms-empty"
      />
    );
  }
  return (
    <table className="table" data-testid="admin-platforms-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Slug</th>
          <th>Platform ID</th>
          <th>Created</th>
          <th>Status</th>
          <th className="actions-col" aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {platforms.map((platform) => (
          <tr key={platform.id} data-testid={`admin-platform-row-${platform.id}`}>
            <td className="strong">{platform.name}</td>
            <td>{platform.slug ? <code className="mono">{platform.slug}</code> : <span className="muted">—</span>}</td>
            <td>
              <IdWithCopy id={platform.id} testId={`admin-platform-id-${platform.id}`} />
            </td>
            <td className="nowrap">{formatDateTime(platform.created_at)}</td>
            <td>{platform.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="red">Suspended</Badge>}</td>
            <td className="actions-col">
              {!onToggle ? null : platform.is_active ? (
                <ConfirmButton
                  label="Suspend"
                  confirmLabel="Confirm suspend"
                  onConfirm={() => onToggle(platform)}
                  disabled={busy}
                  testId={`suspend-platform-${platform.id}`}
                />
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  onClick={() => onToggle(platform)}
                  data-testid={`reactivate-platform-${platform.id}`}
                >
                  Reactivate
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
