// One page of logs plus the external IDs of the end users on it, so rows name people, not UUIDs.
import type { ApiClient, EndUser, Page, Query, RequestLog } from '../api';

/** A page of log rows; `endUserNames` maps end-user IDs to external IDs. */
export interface LogsPageData {
  page: Page<RequestLog>;
  endUserNames: Map<string, string>;
}

export async function loadLogs(client: ApiClient, basePath: string, query: Query): Promise<LogsPageData> {
  const page = await client.list<RequestLog>(`${basePath}/logs`, query);
  const ids = [...new Set(page.data.map((log) => log.end_user_id).filter((id): id is string => Boolean(id)))];
  const users = await Promise.all(ids.map((id) => client.get<EndUser>(`${basePath}/end-users/${id}`).catch(() => null)));
  const endUserNames = new Map<string, string>();
  for (const user of users) if (user) endUserNames.set(user.id, user.external_id);
  return { page, endUserNames };
}
