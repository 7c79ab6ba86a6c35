// Creates a budget for an end user who has none (unlimited, bounded by the wallet, until then).
import type { BudgetPeriod } from '../api';
import { toAmount, toOptionalAmount } from '../format/to-amount';
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
  const { api } = usePlatform();
  const action = useAction();
  const draft = useDraft<{ maxUsd: string; period: BudgetPeriod; threshold: string }>({ maxUsd: '', period: 'monthly', threshold: '' });

  const create = async (): Promise<string> => {
    await api.post('/end-users/{endUserId}/budget', {
      path: { endUserId },
      body: {
        max_usd: toAmount(draft.values.maxUsd),
        period: draft.values.period,
        low_balance_threshold: toOptionalAmount(draft.values.threshold),
      },
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
        <TextField
          label="Alert below (USD)"
          hint="A budget.low_balance webhook fires once when a request's charge takes what remains below this; a top-up re-arms it."
          {...draft.bind('threshold')}
          prefix="$"
          numeric="decimal"
          placeholder="No alert"
          testId="budget-low-balance-threshold"
        />
      </ActionForm>
      <ActionFeedback action={action} testId="budget-create" />
    </>
  );
}
