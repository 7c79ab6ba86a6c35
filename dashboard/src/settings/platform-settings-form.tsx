// Edits the platform's name, markup and default end-user budget (PATCH merges settings).
import type { Platform } from '../api';
import { toOptionalAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

function numberText(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}

export function PlatformSettingsForm({ platform, onSaved }: { platform: Platform; onSaved: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const draft = useDraft({
    name: platform.name,
    markup: numberText(platform.settings?.markup_percentage),
    defaultBudget: numberText(platform.settings?.default_budget_usd),
  });

  const save = async (): Promise<string> => {
    await client.patch<Platform>(basePath, {
      name: draft.values.name.trim(),
      settings: {
        markup_percentage: toOptionalAmount(draft.values.markup),
        default_budget_usd: toOptionalAmount(draft.values.defaultBudget),
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
      </ActionForm>
      <ActionFeedback action={action} testId="settings" />
    </Card>
  );
}
