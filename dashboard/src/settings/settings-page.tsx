// Settings: platform info (ID to copy), editable settings, default rate limits, platform API keys, for owners deletion,
// and for a member session its own account (change password).
import { RateLimitDefaultsCard } from '../rate-limits';
import { platformRoute } from '../session/session';
import { usePlatform, useSession } from '../session/session-context';
import { useCan } from '../session/use-can';
import { PageHeader } from '../ui/page-header';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { ChangePasswordCard } from './change-password-card';
import { DeletePlatformCard } from './delete-platform-card';
import { PlatformInfoCard } from './platform-info-card';
import { PlatformKeysCard } from './platform-keys-card';
import { PlatformSettingsForm, PlatformSettingsSummary } from './platform-settings-form';

export function SettingsPage() {
  const { api } = usePlatform();
  const can = useCan();
  const { session } = useSession();
  const platform = useResource(() => api.get(''), [api]);
  return (
    <>
      <PageHeader title="Settings" description="Your platform's identity, billing settings, default rate limits and API keys." />
      <ResourceView resource={platform}>
        {(data) => (
          <div className="stack">
            <PlatformInfoCard platform={data} />
            {can('PATCH', platformRoute) ? (
              <PlatformSettingsForm platform={data} onSaved={platform.reload} />
            ) : (
              <PlatformSettingsSummary platform={data} />
            )}
            <RateLimitDefaultsCard />
            <PlatformKeysCard />
            {session.member ? <ChangePasswordCard /> : null}
            {can('DELETE', platformRoute) ? <DeletePlatformCard platform={data} /> : null}
          </div>
        )}
      </ResourceView>
    </>
  );
}
