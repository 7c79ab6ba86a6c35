// One page of logs plus the external IDs of the end users on it, so rows name people, not UUIDs.
import { type ApiClient, loadEndUserNames, type Page, PlatformApi, type Query, type RequestLog } from '../api';

/** A page of log rows; `endUserNames` maps end-user IDs to external IDs. */
export interface LogsPageData {
  page: Page<RequestLog>;
  endUserNames: Map<string, string>;
}

export async function loadLogs(client: ApiClient, basePath: string, query: Query): Promise<LogsPageData> {
  const page = await new PlatformApi(client, basePath).list('/logs', { query });
  const ids = [...new Set(page.data.map((log) => log.end_user_id).filter((id): id is string => Boolean(id)))];
  return { page, endUserNames: await loadEndUserNames(client, basePath, ids) };
}
