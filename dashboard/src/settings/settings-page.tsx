// Settings: platform info (ID to copy), editable settings, default rate limits, platform API keys and, for owners, deletion.
import { RateLimitDefaultsCard } from '../rate-limits';
import { platformRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { PageHeader } from '../ui/page-header';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { DeletePlatformCard } from './delete-platform-card';
import { PlatformInfoCard } from './platform-info-card';
import { PlatformKeysCard } from './platform-keys-card';
import { PlatformSettingsForm, PlatformSettingsSummary } from './platform-settings-form';

export function SettingsPage() {
  const { api } = usePlatform();
  const can = useCan();
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
            {can('DELETE', platformRoute) ? <DeletePlatformCard platform={data} /> : null}
          </div>
        )}
      </ResourceView>
    </>
  );
}
