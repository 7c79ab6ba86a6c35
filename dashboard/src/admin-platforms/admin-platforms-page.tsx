// Operator: platforms (tenants) — create (raw platform key shown once), list, suspend / reactivate.
import { useState } from 'react';
import type { Platform } from '../api';
import { useSession } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { PagedView } from '../ui/paged-view';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { PlatformCreateForm } from './platform-create-form';
import { PlatformsTable } from './platforms-table';

const pageSize = 20;

export function AdminPlatformsPage() {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const toggle = useAction();
  const can = useCan();
  const platforms = useResource(() => api.list('/v1/admin/platforms', { query: { page, limit: pageSize } }), [api, page]);

  const onToggle = (platform: Platform): void => {
    void toggle.run(async () => {
      await api.patch('/v1/admin/platforms/{platformId}', { path: { platformId: platform.id }, body: { is_active: !platform.is_active } });
      platforms.reload();
      return platform.is_active
        ? `${platform.name} suspended: all its keys now get 403 platform_suspended.`
        : `${platform.name} reactivated.`;
    });
  };

  return (
    <>
      <PageHeader
        title="Platforms"
        description="Your tenants. Each gets a platform key and ID to manage its end users, wallet and provider keys."
      />
      <div className="stack">
        {can('POST', '/v1/admin/platforms') ? <PlatformCreateForm onCreated={platforms.reload} /> : null}
        <Card title="All platforms" flush testId="admin-platforms">
          <div className="card-section card-section-tight">
            <ActionFeedback action={toggle} testId="platform-toggle" />
          </div>
          <PagedView resource={platforms} onPage={setPage} testId="admin-platforms-pagination">
            {(rows) => (
              <PlatformsTable
                platforms={rows}
                busy={toggle.pending}
                onToggle={can('PATCH', '/v1/admin/platforms/:platformId') ? onToggle : undefined}
              />
            )}
          </PagedView>
        </Card>
      </div>
    </>
  );
}
