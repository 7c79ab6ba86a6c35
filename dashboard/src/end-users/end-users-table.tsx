// The end-user list; each row links to the user's detail page.
import type { EndUser } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { Badge } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import { IdWithCopy } from '../ui/id-with-copy';

export function EndUsersTable({ users, searched }: { users: EndUser[]; searched: string }) {
  if (users.length === 0) {
    return searched ? (
      <EmptyState title={`No end user has the external ID "${searched}".`} testId="end-users-empty">
        External IDs match exactly. Create the user above to issue their key.
      </EmptyState>
    ) : (
      <EmptyState title="No end users yet." testId="end-users-empty">
        Create one above with your own user ID as the external ID; you get their API key to call <code>/v1/chat/completions</code>.
      </EmptyState>
    );
  }
  return (
    <table className="table" data-testid="end-users-table">
      <thead>
        <tr>
          <th>External ID</th>
          <th>Display name</th>
          <th>End-user ID</th>
          <th>Created</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} data-testid={`end-user-row-${user.external_id}`}>
            <td className="strong">
              <a href={`#/end-users/${user.id}`} data-testid={`end-user-link-${user.external_id}`}>
                {user.external_id}
              </a>
            </td>
            <td>{user.display_name ?? <span className="muted">—</span>}</td>
            <td>
              <IdWithCopy id={user.id} testId={`end-user-id-${user.external_id}`} />
            </td>
            <td className="nowrap">{formatDateTime(user.created_at)}</td>
            <td>{user.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Inactive</Badge>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
