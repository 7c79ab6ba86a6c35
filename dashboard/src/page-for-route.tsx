// Maps each route to its page component (exhaustive over the route union).
import { AdminModelsPage } from './admin-models';
import { AdminPlatformsPage } from './admin-platforms';
import { AdminProvidersPage } from './admin-providers';
import { AdminAuditPage, AuditPage } from './audit';
import { EndUserDetailPage, EndUsersPage } from './end-users';
import { LogsPage } from './logs';
import { MembersPage } from './members';
import { OverviewPage } from './overview';
import { ProvidersPage } from './providers';
import type { Route } from './router/route';
import { SettingsPage } from './settings';
import { EmptyState } from './ui/empty-state';
import { WalletPage } from './wallet';
import { WebhooksPage } from './webhooks';

export function PageForRoute({ route }: { route: Route }) {
  switch (route.name) {
    case 'sign-in':
      return null;
    case 'overview':
      return <OverviewPage />;
    case 'settings':
      return <SettingsPage />;
    case 'providers':
      return <ProvidersPage />;
    case 'end-users':
      return <EndUsersPage />;
    case 'end-user':
      return <EndUserDetailPage endUserId={route.id} />;
    case 'wallet':
      return <WalletPage />;
    case 'logs':
      return <LogsPage />;
    case 'members':
      return <MembersPage />;
    case 'audit':
      return <AuditPage />;
    case 'webhooks':
      return <WebhooksPage />;
    case 'invite':
      return null;
    case 'admin-platforms':
      return <AdminPlatformsPage />;
    case 'admin-providers':
      return <AdminProvidersPage />;
    case 'admin-models':
      return <AdminModelsPage />;
    case 'admin-audit':
      return <AdminAuditPage />;
    case 'not-found':
      return (
        <EmptyState title="This page does not exist" testId="not-found">
          <a href="#/">Go back to the dashboard</a>
        </EmptyState>
      );
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
}
