// The dashboard's hash routes (`#/overview`, `#/end-users/<id>`, …): no server fallback needed.

/** A parsed location. */
export type Route =
  | { name: 'sign-in' }
  | { name: 'overview' }
  | { name: 'settings' }
  | { name: 'providers' }
  | { name: 'end-users' }
  | { name: 'end-user'; id: string }
  | { name: 'wallet' }
  | { name: 'logs' }
  | { name: 'members' }
  | { name: 'audit' }
  | { name: 'webhooks' }
  | { name: 'invite'; token: string }
  | { name: 'admin-platforms' }
  | { name: 'admin-providers' }
  | { name: 'admin-models' }
  | { name: 'admin-audit' }
  | { name: 'not-found'; path: string };

const simple: Record<string, Route> = {
  '': { name: 'sign-in' },
  '/': { name: 'sign-in' },
  '/sign-in': { name: 'sign-in' },
  '/overview': { name: 'overview' },
  '/settings': { name: 'settings' },
  '/providers': { name: 'providers' },
  '/end-users': { name: 'end-users' },
  '/wallet': { name: 'wallet' },
  '/logs': { name: 'logs' },
  '/members': { name: 'members' },
  '/audit': { name: 'audit' },
  '/webhooks': { name: 'webhooks' },
  '/admin/platforms': { name: 'admin-platforms' },
  '/admin/providers': { name: 'admin-providers' },
  '/admin/models': { name: 'admin-models' },
  '/admin/audit': { name: 'admin-audit' },
};

/** Parses `location.hash` (`#/end-users/abc` → `{ name: 'end-user', id: 'abc' }`). */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const known = simple[path];
  if (known) return known;
  const endUser = /^\/end-users\/([^/]+)$/.exec(path);
  if (endUser?.[1]) return { name: 'end-user', id: decodeURIComponent(endUser[1]) };
  const invite = /^\/invite\/([^/]+)$/.exec(path);
  if (invite?.[1]) return { name: 'invite', token: invite[1] };
  return { name: 'not-found', path };
}
