// Turns the filter form into `GET /logs` query parameters, resolving an external ID to the end-user ID.
import type { PlatformApi, QueryOf } from '../api';
import type { LogFilter } from './log-filter';

/** The query of `GET /logs`. */
export type LogQuery = NonNullable<QueryOf<'/v1/platforms/{platformId}/logs', 'get'>>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolveEndUserId(api: PlatformApi, value: string): Promise<string> {
  if (uuidPattern.test(value)) return value;
  const found = await api.list('/end-users', { query: { external_id: value, limit: 1 } });
  const user = found.data[0];
  if (!user) throw new Error(`No end user has the external ID "${value}".`);
  return user.id;
}

export async function toLogQuery(api: PlatformApi, filter: LogFilter): Promise<LogQuery> {
  const endUser = filter.endUser.trim();
  return {
    model: filter.model.trim(),
    end_user_id: endUser ? await resolveEndUserId(api, endUser) : '',
    status: filter.status || undefined,
    from: filter.fromDay ? `${filter.fromDay}T00:00:00.000Z` : '',
    to: filter.toDay ? `${filter.toDay}T23:59:59.999Z` : '',
  };
}
