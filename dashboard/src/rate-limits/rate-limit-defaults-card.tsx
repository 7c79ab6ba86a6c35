// Settings → Rate limits: the platform's default limits for every end user without an override.
import type { PlatformRateLimits } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { platformRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { ResourceView } from '../ui/resource-view';
import { SubmitButton } from '../ui/submit-button';
import { type Action, useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { useResource } from '../ui/use-resource';
import { toLimitsBody, toLimitsDraft } from './limit-dimensions';
import { LimitFields } from './limit-fields';
import { LimitFigures } from './limit-figures';

export function RateLimitDefaultsCard() {
  const { api } = usePlatform();
  const action = useAction();
  const editable = useCan()('PUT', `${platformRoute}/rate-limits`);
  const defaults = useResource(() => api.get('/rate-limits'), [api]);
  return (
    <Card
      title="Rate limits"
      description="Defaults for every end user without an override (set one on the end user's page). Leave a field empty for unlimited."
      testId="rate-limit-defaults"
    >
      <ResourceView resource={defaults}>
        {(data) =>
          editable ? (
            <DefaultsForm defaults={data} action={action} onSaved={defaults.reload} />
          ) : (
            <LimitFigures limits={data} testIdPrefix="rate-limit-defaults-figure" />
          )
        }
      </ResourceView>
      <ActionFeedback action={action} testId="rate-limit-defaults" />
    </Card>
  );
}

function DefaultsForm({ defaults, action, onSaved }: { defaults: PlatformRateLimits; action: Action; onSaved: () => void }) {
  const { api } = usePlatform();
  const draft = useDraft(toLimitsDraft(defaults));

  const save = async (): Promise<string> => {
    await api.put('/rate-limits', { body: toLimitsBody(draft.values) });
    onSaved();
    return 'Default limits saved. They apply from the next call.';
  };

  return (
    <ActionForm
      action={action}
      onSubmit={save}
      className="form-grid form-grid-3"
      actionsPlacement="row"
      actions={
        <>
          <SubmitButton pending={action.pending} label="Save defaults" pendingLabel="Saving…" testId="rate-limit-defaults-save" />
          <span className="muted small" data-testid="rate-limit-defaults-updated">
            {defaults.updated_at ? `Last changed ${formatDateTime(defaults.updated_at)}` : 'No defaults set yet: end users are unlimited.'}
          </span>
        </>
      }
    >
      <LimitFields draft={draft} testIdPrefix="rate-limit-defaults" />
    </ActionForm>
  );
}
