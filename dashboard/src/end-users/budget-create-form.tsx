// Creates a budget for an end user who has none (unlimited, bounded by the wallet, until then).
import type { Budget, BudgetPeriod } from '../api';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { SelectField } from '../ui/select-field';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { budgetPeriodOptions } from './budget-periods';

export function BudgetCreateForm({ endUserId, onCreated }: { endUserId: string; onCreated: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const draft = useDraft<{ maxUsd: string; period: BudgetPeriod }>({ maxUsd: '', period: 'monthly' });

  const create = async (): Promise<string> => {
    await client.post<Budget>(`${basePath}/end-users/${endUserId}/budget`, {
      max_usd: toAmount(draft.values.maxUsd),
      period: draft.values.period,
    });
    onCreated();
    return 'Budget created.';
  };

  return (
    <>
      <p className="muted">No budget: this user can spend until the platform wallet runs out. Set one to cap their spend.</p>
      <ActionForm
        action={action}
        onSubmit={create}
        className="form-grid form-grid-3"
        actions={<SubmitButton pending={action.pending} label="Set budget" testId="budget-create" />}
      >
        <TextField
          label="Limit (USD)"
          {...draft.bind('maxUsd')}
          prefix="$"
          numeric="decimal"
          placeholder="10.00"
          required
          testId="budget-max-usd"
        />
        <SelectField label="Period" {...draft.bind('period')} options={budgetPeriodOptions} testId="budget-period" />
      </ActionForm>
      <ActionFeedback action={action} testId="budget-create" />
    </>
  );
}
