// Loads the three 30-day usage breakdowns of the overview, plus the names of the top end users.
import { loadEndUserNames, type PlatformApi, type UsageGroupBy, type UsageRow } from '../api';
import { lastDays } from './usage-window';

/** Usage of the last 30 days; `endUserNames` maps end-user IDs to external IDs. */
export interface UsageOverview {
  byDay: UsageRow[];
  byModel: UsageRow[];
  byEndUser: UsageRow[];
  endUserNames: Map<string, string>;
  days: string[];
}

// Only the top rows are named; each name is one GET.
const namedEndUsers = 5;

export async function loadUsage(api: PlatformApi, now: Date): Promise<UsageOverview> {
  const range = lastDays(now);
  // `GET /usage` answers `{ data, from, to, group_by }`; the client unwraps `data`.
  const usage = (groupBy: UsageGroupBy): Promise<UsageRow[]> =>
    api.get('/usage', { query: { group_by: groupBy, from: range.from, to: range.to } });
  const [byDay, byModel, byEndUser] = await Promise.all([usage('day'), usage('model'), usage('end_user')]);
  const topIds = byEndUser
    .map((row) => row.key)
    .filter((key): key is string => Boolean(key))
    .slice(0, namedEndUsers);
  const endUserNames = await loadEndUserNames(api, topIds);
  return { byDay, byModel, byEndUser, endUserNames, days: range.days };
}
