// Creates a budget for an end user who has none (unlimited, bounded by the wallet, until then).
import { type FormEvent, useState } from 'react';
import type { Budget, BudgetPeriod } from '../api';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Field } from '../ui/field';
import { useAction } from '../ui/use-action';

export function BudgetCreateForm({ endUserId, onCreated }: { endUserId: string; onCreated: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const [maxUsd, setMaxUsd] = useState('');
  const [period, setPeriod] = useState<BudgetPeriod>('monthly');

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      await client.post<Budget>(`${basePath}/end-users/${endUserId}/budget`, { max_usd: toAmount(maxUsd), period });
      onCreated();
      return 'Budget created.';
    });
  };

  return (
    <>
      <p className="muted">No budget: this user can spend until the platform wallet runs out. Set one to cap their spend.</p>
      <form className="form-grid form-grid-3" onSubmit={onSubmit}>
        <Field label="Limit (USD)">
          <input
            className="input num-input"
            inputMode="decimal"
            placeholder="10.00"
            value={maxUsd}
            onChange={(event) => setMaxUsd(event.target.value)}
            required
            data-testid="budget-max-usd"
          />
        </Field>
        <Field label="Period">
          <select
            className="input"
            value={period}
            onChange={(event) => setPeriod(event.target.value as BudgetPeriod)}
            data-testid="budget-period"
          >
            <option value="monthly">Monthly</option>
            <option value="daily">Daily</option>
            <option value="one_time">One time</option>
          </select>
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="budget-create">
            Set budget
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="budget-create" />
    </>
  );
}
