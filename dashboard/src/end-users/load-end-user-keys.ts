// The spec lists end-user keys only platform-wide (`GET /api-keys?type=end_user`): page through and keep one user's.
import type { ApiKey, PlatformApi } from '../api';

// Bound on pages read (100 keys each) so a huge platform cannot stall the page.
const maxPages = 20;

export async function loadEndUserKeys(api: PlatformApi, endUserId: string): Promise<ApiKey[]> {
  const keys: ApiKey[] = [];
  for (let page = 1; page <= maxPages; page += 1) {
    const result = await api.list('/api-keys', { query: { type: 'end_user', end_user_id: endUserId, page, limit: 100 } });
    keys.push(...result.data.filter((key) => key.end_user_id === endUserId));
    if (page * result.limit >= result.total || result.data.length === 0) break;
  }
  return keys;
}
