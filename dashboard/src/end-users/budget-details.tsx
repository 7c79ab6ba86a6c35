// An existing budget: usage bar and figures, then top-up, limit/period edit, suspend and remove.
import type { Budget, BudgetPeriod } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { parseUsd } from '../format/format-usd';
import { toAmount, toOptionalAmount } from '../format/to-amount';
import { endUserRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Badge } from '../ui/badge';
import { ConfirmButton } from '../ui/confirm-button';
import { Money } from '../ui/money';
import { SelectField } from '../ui/select-field';
import { Stat } from '../ui/stat';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { type Action, useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { budgetPeriodLabel, budgetPeriodOptions } from './budget-periods';

export function BudgetDetails({ budget, onChanged }: { budget: Budget; onChanged: () => void }) {
  const { api } = usePlatform();
  const path = { endUserId: budget.end_user_id };
  const action = useAction();
  const can = useCan();
  const mayEdit = can('PATCH', `${endUserRoute}/budget`);
  const mayDelete = can('DELETE', `${endUserRoute}/budget`);
  const draft = useDraft({ topUp: '', debit: '' });
  const max = parseUsd(budget.max_usd) ?? 0;
  const spent = (parseUsd(budget.used_usd) ?? 0) + (parseUsd(budget.reserved_usd) ?? 0);
  const percent = max > 0 ? Math.min(100, (spent / max) * 100) : 100;

  const change = async (task: Promise<unknown>, done: string): Promise<string> => {
    await task;
    onChanged();
    return done;
  };
  /** A top-up or debit form's submit: the amount fields start empty again once it is done. */
  const move = async (task: Promise<unknown>, done: string): Promise<string> => {
    const message = await change(task, done);
    draft.reset();
    return message;
  };
  const topUp = () =>
    move(
      api.post('/end-users/{endUserId}/budget/topup', { path, body: { amount: toAmount(draft.values.topUp), reason: 'Dashboard top-up' } }),
      'Budget topped up.',
    );
  const debit = () =>
    move(
      api.post('/end-users/{endUserId}/budget/debit', { path, body: { amount: toAmount(draft.values.debit), reason: 'Dashboard debit' } }),
      'Budget debited.',
    );
  const run = (task: () => Promise<unknown>, done: string): void => {
    void action.run(() => change(task(), done));
  };

  return (
    <div className="stack-tight">
      <div className="budget-head">
        <Badge tone="blue">{budgetPeriodLabel(budget.period)}</Badge>
        {budget.is_suspended ? <Badge tone="red">Suspended</Badge> : <Badge tone="green">Active</Badge>}
        {budget.period_start ? <span className="muted">Period started {formatDateTime(budget.period_start)}</span> : null}
      </div>
      <div
        className="meter"
        role="progressbar"
        aria-label="Budget used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div className={percent >= 90 ? 'meter-fill meter-fill-warn' : 'meter-fill'} style={{ width: `${percent}%` }} />
      </div>
      <div className="stat-row">
        <Stat label="Remaining">
          <Money value={budget.remaining_usd} testId="budget-remaining" />
        </Stat>
        <Stat label="Used">
          <Money value={budget.used_usd} />
        </Stat>
        <Stat label="Reserved">
          <Money value={budget.reserved_usd} />
        </Stat>
        <Stat label="Limit">
          <Money value={budget.max_usd} testId="budget-max" />
        </Stat>
      </div>
      {can('POST', `${endUserRoute}/budget/topup`) ? (
        <ActionForm
          action={action}
          onSubmit={topUp}
          className="form-grid form-grid-2"
          actions={<SubmitButton pending={action.pending} label="Top up budget" testId="budget-topup-submit" />}
        >
          <TextField
            label="Top up by (USD)"
            {...draft.bind('topUp')}
            prefix="$"
            numeric="decimal"
            placeholder="5.00"
            required
            testId="budget-topup-amount"
          />
        </ActionForm>
      ) : null}
      {can('POST', `${endUserRoute}/budget/debit`) ? (
        <ActionForm
          action={action}
          onSubmit={debit}
          className="form-grid form-grid-2"
          testId="budget-debit-form"
          actions={<SubmitButton pending={action.pending} label="Debit budget" tone="default" testId="budget-debit-submit" />}
        >
          <TextField
            label="Debit by (USD)"
            hint="Takes spend made outside the gateway off what remains (refused if less remains)."
            {...draft.bind('debit')}
            prefix="$"
            numeric="decimal"
            placeholder="1.00"
            required
            testId="budget-debit-amount"
          />
        </ActionForm>
      ) : null}
      {/* Keyed by the saved limit and period, so the inputs start again from them after each change. */}
      {mayEdit ? (
        <BudgetEditForm
          key={`${budget.max_usd}|${budget.period}|${budget.low_balance_threshold}`}
          budget={budget}
          action={action}
          onSave={(body) => change(api.patch('/end-users/{endUserId}/budget', { path, body }), 'Budget updated.')}
        />
      ) : null}
      {mayEdit || mayDelete ? (
        <div className="form-actions card-footer-actions">
          {mayEdit ? (
            <button
              type="button"
              className="button button-small"
              disabled={action.pending}
              onClick={() =>
                run(
                  () => api.patch('/end-users/{endUserId}/budget', { path, body: { is_suspended: !budget.is_suspended } }),
                  budget.is_suspended ? 'Budget resumed.' : 'Budget suspended: the user gets 402 budget_suspended.',
                )
              }
              data-testid="budget-suspend"
            >
              {budget.is_suspended ? 'Resume budget' : 'Suspend budget'}
            </button>
          ) : null}
          {mayDelete ? (
            <ConfirmButton
              label="Remove budget"
              confirmLabel="Confirm remove"
              onConfirm={() =>
                run(
                  () => api.delete('/end-users/{endUserId}/budget', { path }),
                  'Budget removed: the user is now bounded only by the wallet.',
                )
              }
              disabled={action.pending}
              testId="budget-delete"
            />
          ) : null}
        </div>
      ) : null}
      <ActionFeedback action={action} testId="budget" />
    </div>
  );
}

interface BudgetEditFormProps {
  budget: Budget;
  action: Action;
  onSave: (body: { max_usd: number | string; period: BudgetPeriod; low_balance_threshold: number | string | null }) => Promise<string>;
}

function BudgetEditForm({ budget, action, onSave }: BudgetEditFormProps) {
  const draft = useDraft({
    maxUsd: String(budget.max_usd),
    period: budget.period,
    threshold: budget.low_balance_threshold === null ? '' : String(budget.low_balance_threshold),
  });
  return (
    <ActionForm
      action={action}
      onSubmit={() =>
        onSave({
          max_usd: toAmount(draft.values.maxUsd),
          period: draft.values.period,
          low_balance_threshold: toOptionalAmount(draft.values.threshold),
        })
      }
      className="form-grid form-grid-3"
      actions={<SubmitButton pending={action.pending} label="Save changes" tone="default" testId="budget-save" />}
    >
      <TextField label="Limit (USD)" {...draft.bind('maxUsd')} prefix="$" numeric="decimal" required testId="budget-edit-max" />
      <SelectField label="Period" {...draft.bind('period')} options={budgetPeriodOptions} testId="budget-edit-period" />
      <TextField
        label="Alert below (USD)"
        hint="A budget.low_balance webhook fires once when a request's charge takes what remains below this; a top-up re-arms it."
        {...draft.bind('threshold')}
        prefix="$"
        numeric="decimal"
        placeholder="No alert"
        testId="budget-edit-low-balance-threshold"
      />
    </ActionForm>
  );
}
