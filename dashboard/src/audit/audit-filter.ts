// The filters of the audit page, as typed by the user, and the `GET /audit-log` query they become.
import type { Query } from '../api';

/** Empty strings mean "any". Dates are `YYYY-MM-DD` (UTC days, inclusive). */
export interface AuditFilter {
  action: string;
  actor: string;
  fromDay: string;
  toDay: string;
}

export const emptyAuditFilter: AuditFilter = { action: '', actor: '', fromDay: '', toDay: '' };

export function toAuditQuery(filter: AuditFilter): Query {
  return {
    action: filter.action.trim(),
    actor: filter.actor.trim(),
    from: filter.fromDay ? `${filter.fromDay}T00:00:00.000Z` : '',
    to: filter.toDay ? `${filter.toDay}T23:59:59.999Z` : '',
  };
}
