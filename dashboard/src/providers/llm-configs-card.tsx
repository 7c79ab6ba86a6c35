// The platform's provider keys: add, set default, activate/deactivate, delete.
import { useState } from 'react';
import type { LlmConfig, Provider } from '../api';
import { platformRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { PagedView } from '../ui/paged-view';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { LlmConfigForm } from './llm-config-form';
import { LlmConfigTable } from './llm-config-table';

const pageSize = 20;

export function LlmConfigsCard({ providers }: { providers: Provider[] }) {
  const { api } = usePlatform();
  const [page, setPage] = useState(1);
  const add = useAction();
  const can = useCan();
  const configRoute = `${platformRoute}/llm-configs/:configId`;
  const change = useAction();
  const configs = useResource(() => api.list('/llm-configs', { query: { page, limit: pageSize } }), [api, page]);

  const update = (config: LlmConfig, body: Partial<Pick<LlmConfig, 'is_default' | 'is_active'>>, done: string): void => {
    add.reset();
    void change.run(async () => {
      await api.patch('/llm-configs/{configId}', { path: { configId: config.id }, body });
      configs.reload();
      return done;
    });
  };

  const remove = (config: LlmConfig): void => {
    add.reset();
    void change.run(async () => {
      await api.delete('/llm-configs/{configId}', { path: { configId: config.id } });
      configs.reload();
      return `Key …${config.key_hint ?? ''} deleted.`;
    });
  };

  return (
    <Card
      title="Your provider keys"
      description="The default active key of each provider is used for its requests."
      flush
      testId="llm-configs"
    >
      <div className="card-section">
        {can('POST', `${platformRoute}/llm-configs`) ? (
          <LlmConfigForm
            providers={providers}
            action={add}
            onAdded={() => {
              change.reset();
              configs.reload();
            }}
          />
        ) : (
          <span className="muted small">Adding and changing provider keys needs the developer role.</span>
        )}
        <ActionFeedback action={add} testId="llm-config-add" />
        <ActionFeedback action={change} testId="llm-config-change" />
      </div>
      <PagedView resource={configs} onPage={setPage}>
        {(rows) => (
          <LlmConfigTable
            configs={rows}
            providers={providers}
            busy={change.pending}
            edits={
              can('PATCH', configRoute)
                ? {
                    onSetDefault: (config) => update(config, { is_default: true }, `Key …${config.key_hint ?? ''} is now the default.`),
                    onToggleActive: (config) =>
                      update(
                        config,
                        { is_active: !config.is_active },
                        `Key …${config.key_hint ?? ''} ${config.is_active ? 'deactivated' : 'activated'}.`,
                      ),
                  }
                : undefined
            }
            onDelete={can('DELETE', configRoute) ? remove : undefined}
          />
        )}
      </PagedView>
    </Card>
  );
}
