// Turns the filter form into `GET /logs` query parameters, resolving an external ID to the end-user ID.
import type { ApiClient, EndUser, Query } from '../api';
import type { LogFilter } from './log-filter';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolveEndUserId(client: ApiClient, basePath: string, value: string): Promise<string> {
  if (uuidPattern.test(value)) return value;
  const found = await client.list<EndUser>(`${basePath}/end-users`, { external_id: value, limit: 1 });
  const user = found.data[0];
  if (!user) throw new Error(`No end user has the external ID "${value}".`);
  return user.id;
}

export async function toLogQuery(client: ApiClient, basePath: string, filter: LogFilter): Promise<Query> {
  const endUser = filter.endUser.trim();
  return {
    model: filter.model.trim(),
    end_user_id: endUser ? await resolveEndUserId(client, basePath, endUser) : '',
    status: filter.status,
    from: filter.fromDay ? `${filter.fromDay}T00:00:00.000Z` : '',
    to: filter.toDay ? `${filter.toDay}T23:59:59.999Z` : '',
  };
}
