// Names end users by their external IDs, so tables show people instead of UUIDs.
import type { PlatformApi } from './typed-api';

/** External IDs by end-user ID; users that cannot be read (deleted, forbidden) are left out. */
export async function loadEndUserNames(api: PlatformApi, ids: readonly string[]): Promise<Map<string, string>> {
  const users = await Promise.all(ids.map((id) => api.get('/end-users/{endUserId}', { path: { endUserId: id } }).catch(() => null)));
  const names = new Map<string, string>();
  for (const user of users) if (user) names.set(user.id, user.external_id);
  return names;
}
