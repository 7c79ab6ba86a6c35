// An end user's effective limits, where they come from, and an override form (PUT) or fall back (DELETE).
import type { EndUserRateLimits, RateLimitResolution } from '../api';
import { endUserRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Badge, type BadgeTone } from '../ui/badge';
import { Card } from '../ui/card';
import { ResourceView } from '../ui/resource-view';
import { SubmitButton } from '../ui/submit-button';
import { type Action, useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { useResource } from '../ui/use-resource';
import { toLimitsBody, toLimitsDraft } from './limit-dimensions';
import { LimitFields } from './limit-fields';
import { LimitFigures } from './limit-figures';

const resolutions: Record<RateLimitResolution, { badge: string; tone: BadgeTone; explanation: string }> = {
  explicit: { badge: 'Override', tone: 'blue', explanation: "This user's override replaces the platform defaults as a whole." },
  default: { badge: 'Platform default', tone: 'green', explanation: 'The platform defaults from Settings → Rate limits apply.' },
  none: { badge: 'No limits', tone: 'grey', explanation: 'No override and no platform defaults: this user is unlimited.' },
};

export function EndUserRateLimitsCard({ endUserId }: { endUserId: string }) {
  const { api } = usePlatform();
  const action = useAction();
  const can = useCan();
  const limits = useResource(() => api.get('/end-users/{endUserId}/rate-limits', { path: { endUserId } }), [api, endUserId]);
  const resolution = limits.data?.resolution;
  return (
    <Card
      title="Rate limits"
      description="Effective limits for this user's calls."
      testId="end-user-rate-limits"
      actions={
        resolution ? (
          <span data-testid="rate-limit-resolution" data-resolution={resolution}>
            <Badge tone={resolutions[resolution].tone}>{resolutions[resolution].badge}</Badge>
          </span>
        ) : null
      }
    >
      <ResourceView resource={limits}>
        {(data) => (
          <>
            <LimitFigures limits={data} testIdPrefix="rate-limit-effective" />
            <p className="muted small">{resolutions[data.resolution].explanation}</p>
            {/* Keyed by the effective limits, so the inputs start again from them after each change. */}
            {can('PUT', `${endUserRoute}/rate-limits`) ? (
              <OverrideForm
                key={JSON.stringify(data)}
                endUserId={endUserId}
                limits={data}
                action={action}
                onChanged={limits.reload}
                mayDelete={can('DELETE', `${endUserRoute}/rate-limits`)}
              />
            ) : null}
          </>
        )}
      </ResourceView>
      <ActionFeedback action={action} testId="rate-limit-override" />
    </Card>
  );
}

interface OverrideFormProps {
  endUserId: string;
  limits: EndUserRateLimits;
  action: Action;
  onChanged: () => void;
  mayDelete: boolean;
}

function OverrideForm({ endUserId, limits, action, onChanged, mayDelete }: OverrideFormProps) {
  const { api } = usePlatform();
  const draft = useDraft(toLimitsDraft(limits));

  const save = async (): Promise<string> => {
    await api.put('/end-users/{endUserId}/rate-limits', { path: { endUserId }, body: toLimitsBody(draft.values) });
    onChanged();
    return 'Override saved. It applies from the next call.';
  };
  const fallBack = (): void => {
    void action.run(async () => {
      await api.delete('/end-users/{endUserId}/rate-limits', { path: { endUserId } });
      onChanged();
      return 'Override removed: the platform defaults apply again.';
    });
  };

  return (
    <ActionForm
      action={action}
      onSubmit={save}
      className="form-grid form-grid-3 card-footer-form"
      actionsPlacement="row"
      testId="rate-limit-override-form"
      actions={
        <>
          <SubmitButton pending={action.pending} label="Save override" testId="rate-limit-override-save" />
          {limits.resolution === 'explicit' && mayDelete ? (
            <button type="button" className="button" disabled={action.pending} onClick={fallBack} data-testid="rate-limit-override-delete">
              Use platform defaults
            </button>
          ) : null}
        </>
      }
    >
      <LimitFields draft={draft} testIdPrefix="rate-limit-override" hints={false} />
    </ActionForm>
  );
}
