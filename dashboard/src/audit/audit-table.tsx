// Audit rows: when, who, what, on which resource, and each changed field as before → after.
import { formatDateTime } from '../format/format-date-time';
import { shortId } from '../format/short-id';
import { Badge, type BadgeTone } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import type { AuditActorType, AuditEntry, AuditFieldChange } from './audit-entry';

// Commands run at the server (`cli`) and the gateway's own startup changes (`system`) have no request: their
// label names the command and the OS account (user@host), or what the gateway did.
const actorTones: Record<AuditActorType, BadgeTone> = {
  member: 'green',
  platform_key: 'grey',
  admin_key: 'amber',
  operator: 'amber',
  cli: 'blue',
  system: 'grey',
};
const actorLabels: Record<AuditActorType, string> = {
  member: 'Member',
  platform_key: 'Platform key',
  admin_key: 'Admin key',
  operator: 'Operator',
  cli: 'Command line',
  system: 'Gateway',
};

/** Where a row came from: its request (and address), or for a command or the seed the run that wrote it. */
function originText(entry: AuditEntry): string {
  if (entry.actor.type === 'cli' || entry.actor.type === 'system') return `run ${entry.request_id}`;
  return `request ${entry.request_id}${entry.ip ? ` from ${entry.ip}` : ''}`;
}

/** A recorded value as short text: null is a dash, objects are JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function Change({ field, change }: { field: string; change: AuditFieldChange }) {
  return (
    <li data-testid={`audit-change-${field}`}>
      <code>{field}</code>{' '}
      {change === 'changed' ? (
        <span className="muted">changed (secret, not recorded)</span>
      ) : (
        <span>
          {valueText(change[0])} → {valueText(change[1])}
        </span>
      )}
    </li>
  );
}

export function AuditTable({ entries, emptyTitle }: { entries: AuditEntry[]; emptyTitle: string }) {
  if (entries.length === 0) {
    return (
      <EmptyState title={emptyTitle} testId="audit-table-empty">
        Every change to money, keys, configs, limits and members appears here with who made it.
      </EmptyState>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table table-dense" data-testid="audit-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Resource</th>
            <th>Changes</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
              <td title={originText(entry)}>{formatDateTime(entry.created_at)}</td>
              <td>
                <Badge tone={actorTones[entry.actor.type]}>{actorLabels[entry.actor.type]}</Badge> {entry.actor.label}
              </td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td title={entry.resource_id ?? undefined}>
                {entry.resource_type}
                {entry.resource_id ? ` ${shortId(entry.resource_id)}` : ''}
              </td>
              <td>
                {/* Signing in or out changes no field. */}
                {Object.keys(entry.changes).length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <ul className="audit-changes">
                    {Object.entries(entry.changes).map(([field, change]) => (
                      <Change key={field} field={field} change={change} />
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
