// Providers: the platform's provider keys (llm-configs) and the operator's provider catalogue with IDs.
import type { Page, Provider } from '../api';
import { useSession } from '../session/session-context';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { LlmConfigsCard } from './llm-configs-card';
import { ProviderCatalogue } from './provider-catalogue';

export function ProvidersPage() {
  const { api } = useSession();
  const providers = useResource(() => api.list('/v1/admin/providers', { query: { limit: 100 } }), [api]);
  return (
    <>
      <PageHeader
        title="Providers"
        description="Bring your own provider keys. They are encrypted at rest (AES-256-GCM) and never shown again: only their last 4 characters."
      />
      <ResourceView resource={providers}>
        {(page: Page<Provider>) => (
          <div className="stack">
            <LlmConfigsCard providers={page.data} />
            <Card
              title="Provider catalogue"
              description="Providers this gateway can route to. Use the provider ID as provider_id when calling POST /llm-configs."
              flush
              testId="provider-catalogue"
            >
              <ProviderCatalogue providers={page.data} />
            </Card>
          </div>
        )}
      </ResourceView>
    </>
  );
}
