// The sidebar's entries for each kind of session.

/** One sidebar link; `testId` is `nav-<id>`. */
export interface NavItem {
  id: string;
  label: string;
  path: string;
}

export const platformNav: readonly NavItem[] = [
  { id: 'overview', label: 'Overview', path: '/overview' },
  { id: 'wallet', label: 'Wallet', path: '/wallet' },
  { id: 'end-users', label: 'End users', path: '/end-users' },
  { id: 'logs', label: 'Logs', path: '/logs' },
  { id: 'providers', label: 'Providers', path: '/providers' },
  { id: 'webhooks', label: 'Webhooks', path: '/webhooks' },
  { id: 'members', label: 'Members', path: '/members' },
  { id: 'audit', label: 'Audit log', path: '/audit' },
  { id: 'settings', label: 'Settings', path: '/settings' },
];

export const adminNav: readonly NavItem[] = [
  { id: 'admin-platforms', label: 'Platforms', path: '/admin/platforms' },
  { id: 'admin-providers', label: 'Providers', path: '/admin/providers' },
  { id: 'admin-models', label: 'Models & prices', path: '/admin/models' },
  { id: 'admin-audit', label: 'Audit log', path: '/admin/audit' },
];
