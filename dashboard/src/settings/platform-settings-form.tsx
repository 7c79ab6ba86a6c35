// Edits the platform's name, markup and default end-user budget (PATCH merges settings).
import { type FormEvent, useState } from 'react';
import type { Platform } from '../api';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { Field } from '../ui/field';
import { useAction } from '../ui/use-action';

function numberText(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}

export function PlatformSettingsForm({ platform, onSaved }: { platform: Platform; onSaved: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const [name, setName] = useState(platform.name);
  const [markup, setMarkup] = useState(numberText(platform.settings?.markup_percentage));
  const [defaultBudget, setDefaultBudget] = useState(numberText(platform.settings?.default_budget_usd));

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      await client.patch<Platform>(basePath, {
        name: name.trim(),
        settings: {
          markup_percentage: markup.trim() === '' ? null : toAmount(markup),
          default_budget_usd: defaultBudget.trim() === '' ? null : toAmount(defaultBudget),
        },
      });
      onSaved();
      return 'Settings saved.';
    });
  };

  return (
    <Card title="Billing settings" description="Applied to new requests and new end users immediately.">
      <form className="form-grid form-grid-3" onSubmit={onSubmit}>
        <Field label="Platform name">
          <input className="input" value={name} onChange={(event) => setName(event.target.value)} required data-testid="settings-name" />
        </Field>
        <Field label="Markup (%)" hint="End-user budgets are charged cost × (1 + markup/100); the wallet pays the cost.">
          <input
            className="input num-input"
            inputMode="decimal"
            value={markup}
            onChange={(event) => setMarkup(event.target.value)}
            placeholder="0"
            data-testid="settings-markup"
          />
        </Field>
        <Field label="Default budget (USD)" hint="A monthly budget of this amount is created with each new end user. Leave empty for none.">
          <input
            className="input num-input"
            inputMode="decimal"
            value={defaultBudget}
            onChange={(event) => setDefaultBudget(event.target.value)}
            placeholder="No default"
            data-testid="settings-default-budget"
          />
        </Field>
        <div className="form-actions form-actions-row">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="settings-save">
            {action.pending ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="settings" />
    </Card>
  );
}
