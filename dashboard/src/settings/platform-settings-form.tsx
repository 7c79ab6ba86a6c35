// Edits the platform's name, markup, default end-user budget and budget alert thresholds (PATCH merges settings).
import type { Platform } from '../api';
import { toOptionalAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { Money } from '../ui/money';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

function numberText(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}

/** "50, 20, 5" → [50, 20, 5]; empty → null (no thresholds). Anything unparsable is sent as typed: the server names it. */
function thresholdsOf(text: string): Array<number | string> | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return null;
  return parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : p));
}

export function PlatformSettingsForm({ platform, onSaved }: { platform: Platform; onSaved: () => void }) {
  const { api } = usePlatform();
  const action = useAction();
  const draft = useDraft({
    name: platform.name,
    markup: numberText(platform.settings?.markup_percentage),
    defaultBudget: numberText(platform.settings?.default_budget_usd),
    thresholds: (platform.settings?.low_balance_thresholds ?? []).join(', '),
  });

  const save = async (): Promise<string> => {
    await api.patch('', {
      body: {
        name: draft.values.name.trim(),
        settings: {
          markup_percentage: toOptionalAmount(draft.values.markup),
          default_budget_usd: toOptionalAmount(draft.values.defaultBudget),
          low_balance_thresholds: thresholdsOf(draft.values.thresholds),
        },
      },
    });
    onSaved();
    return 'Settings saved.';
  };

  return (
    <Card title="Billing settings" description="Applied to new requests and new end users immediately.">
      <ActionForm
        action={action}
        onSubmit={save}
        className="form-grid form-grid-3"
        actionsPlacement="row"
        actions={<SubmitButton pending={action.pending} label="Save settings" pendingLabel="Saving…" testId="settings-save" />}
      >
        <TextField label="Platform name" {...draft.bind('name')} required testId="settings-name" />
        <TextField
          label="Markup (%)"
          hint="End-user budgets are charged cost × (1 + markup/100); the wallet pays the cost."
          {...draft.bind('markup')}
          numeric="decimal"
          placeholder="0"
          testId="settings-markup"
        />
        <TextField
          label="Default budget (USD)"
          hint="A monthly budget of this amount is created with each new end user. Leave empty for none."
          {...draft.bind('defaultBudget')}
          prefix="$"
          numeric="decimal"
          placeholder="No default"
          testId="settings-default-budget"
        />
        <TextField
          label="Budget alerts (% of max)"
          hint="Up to 5, e.g. 50, 20, 5: a budget.low_balance webhook fires once each time a budget's remaining drops below that share of its max; a top-up re-arms it."
          {...draft.bind('thresholds')}
          placeholder="No alerts"
          testId="settings-low-balance-thresholds"
        />
      </ActionForm>
      <ActionFeedback action={action} testId="settings" />
    </Card>
  );
}

/** The same settings, read-only, for a role that cannot change them (PATCH the platform needs admin). */
export function PlatformSettingsSummary({ platform }: { platform: Platform }) {
  const settings = platform.settings;
  const thresholds = settings?.low_balance_thresholds ?? [];
  return (
    <Card title="Billing settings" description="Changing them needs the admin role." testId="settings-readonly">
      <dl className="details">
        <dt>Markup</dt>
        <dd data-testid="settings-readonly-markup">{numberText(settings?.markup_percentage) || '0'} %</dd>
        <dt>Default budget</dt>
        <dd>
          {typeof settings?.default_budget_usd === 'number' ? (
            <Money value={settings.default_budget_usd} />
          ) : (
            <span className="muted">None</span>
          )}
        </dd>
        <dt>Budget alerts</dt>
        <dd>{thresholds.length > 0 ? `${thresholds.join(', ')} % of max` : <span className="muted">None</span>}</dd>
      </dl>
    </Card>
  );
}
