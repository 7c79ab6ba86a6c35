// Settings → Platform info: the Platform ID every API path needs, with a copy button.
import type { Platform } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { Badge } from '../ui/badge';
import { Card } from '../ui/card';
import { IdWithCopy } from '../ui/id-with-copy';

export function PlatformInfoCard({ platform }: { platform: Platform }) {
  return (
    <Card title="Platform info" description="Use the Platform ID in every management URL: /v1/platforms/{id}/…" testId="platform-info">
      <dl className="details">
        <dt>Platform ID</dt>
        <dd>
          <IdWithCopy id={platform.id} testId="platform-id" full />
        </dd>
        <dt>Name</dt>
        <dd data-testid="platform-name">{platform.name}</dd>
        <dt>Slug</dt>
        <dd>{platform.slug ? <code className="mono">{platform.slug}</code> : <span className="muted">—</span>}</dd>
        <dt>Status</dt>
        <dd>{platform.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="red">Suspended</Badge>}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(platform.created_at)}</dd>
      </dl>
    </Card>
  );
}
