// One page of logs plus the external IDs of the end users on it, so rows name people, not UUIDs.
import { loadEndUserNames, type Page, type PlatformApi, type RequestLog } from '../api';
import type { LogQuery } from './to-log-query';

/** A page of log rows; `endUserNames` maps end-user IDs to external IDs. */
export interface LogsPageData {
  page: Page<RequestLog>;
  endUserNames: Map<string, string>;
}

export async function loadLogs(api: PlatformApi, query: LogQuery): Promise<LogsPageData> {
  const page = await api.list('/logs', { query });
  const ids = [...new Set(page.data.map((log) => log.end_user_id).filter((id): id is string => Boolean(id)))];
  return { page, endUserNames: await loadEndUserNames(api, ids) };
}
