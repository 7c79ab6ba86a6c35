// The filters of the audit page, as typed by the user, and the `GET /audit-log` query they become.
import type { QueryOf } from '../api';

/** Empty strings mean "any". Dates are `YYYY-MM-DD` (UTC days, inclusive). */
export interface AuditFilter {
  action: string;
  actor: string;
  fromDay: string;
  toDay: string;
}

export const emptyAuditFilter: AuditFilter = { action: '', actor: '', fromDay: '', toDay: '' };

/** The query of `GET /audit-log`. */
export type AuditQuery = NonNullable<QueryOf<'/v1/platforms/{platformId}/audit-log', 'get'>>;

export function toAuditQuery(filter: AuditFilter): AuditQuery {
  return {
    action: filter.action.trim(),
    actor: filter.actor.trim(),
    from: filter.fromDay ? `${filter.fromDay}T00:00:00.000Z` : '',
    to: filter.toDay ? `${filter.toDay}T23:59:59.999Z` : '',
  };
}
