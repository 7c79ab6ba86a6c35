// An existing budget: usage bar and figures, then top-up, limit/period edit, suspend and remove.
import { type FormEvent, useEffect, useState } from 'react';
import type { Budget, BudgetPeriod } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { parseUsd } from '../format/format-usd';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Badge } from '../ui/badge';
import { ConfirmButton } from '../ui/confirm-button';
import { Field } from '../ui/field';
import { Money } from '../ui/money';
import { Stat } from '../ui/stat';
import { useAction } from '../ui/use-action';

const periodLabels: Record<BudgetPeriod, string> = { one_time: 'One time', daily: 'Daily', monthly: 'Monthly' };

export function BudgetDetails({ budget, onChanged }: { budget: Budget; onChanged: () => void }) {
  const { client, basePath } = usePlatform();
  const path = `${basePath}/end-users/${budget.end_user_id}/budget`;
  const action = useAction();
  const [topUp, setTopUp] = useState('');
  const [maxUsd, setMaxUsd] = useState(String(budget.max_usd));
  const [period, setPeriod] = useState<BudgetPeriod>(budget.period);
  // Keep the edit fields in step with the budget after a top-up or another change.
  useEffect(() => {
    setMaxUsd(String(budget.max_usd));
    setPeriod(budget.period);
  }, [budget.max_usd, budget.period]);
  const max = parseUsd(budget.max_usd) ?? 0;
  const spent = (parseUsd(budget.used_usd) ?? 0) + (parseUsd(budget.reserved_usd) ?? 0);
  const percent = max > 0 ? Math.min(100, (spent / max) * 100) : 100;

  const run = (task: () => Promise<unknown>, done: string): void => {
    void action.run(async () => {
      await task();
      onChanged();
      return done;
    });
  };
  const onTopUp = (event: FormEvent): void => {
    event.preventDefault();
    run(() => client.post(`${path}/topup`, { amount: toAmount(topUp), reason: 'Dashboard top-up' }), 'Budget topped up.');
  };
  const onEdit = (event: FormEvent): void => {
    event.preventDefault();
    run(() => client.patch(path, { max_usd: toAmount(maxUsd), period }), 'Budget updated.');
  };

  return (
    <div className="stack-tight">
      <div className="budget-head">
        <Badge tone="blue">{periodLabels[budget.period]}</Badge>
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
      <form className="form-grid form-grid-2" onSubmit={onTopUp}>
        <Field label="Top up by (USD)">
          <div className="input-affix">
            <span className="input-prefix">$</span>
            <input
              className="input num-input"
              inputMode="decimal"
              placeholder="5.00"
              value={topUp}
              onChange={(event) => setTopUp(event.target.value)}
              required
              data-testid="budget-topup-amount"
            />
          </div>
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="budget-topup-submit">
            Top up budget
          </button>
        </div>
      </form>
      <form className="form-grid form-grid-3" onSubmit={onEdit}>
        <Field label="Limit (USD)">
          <input
            className="input num-input"
            inputMode="decimal"
            value={maxUsd}
            onChange={(event) => setMaxUsd(event.target.value)}
            required
            data-testid="budget-edit-max"
          />
        </Field>
        <Field label="Period">
          <select className="input" value={period} onChange={(event) => setPeriod(event.target.value as BudgetPeriod)}>
            <option value="monthly">Monthly</option>
            <option value="daily">Daily</option>
            <option value="one_time">One time</option>
          </select>
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button" disabled={action.pending} data-testid="budget-save">
            Save changes
          </button>
        </div>
      </form>
      <div className="form-actions card-footer-actions">
        <button
          type="button"
          className="button button-small"
          disabled={action.pending}
          onClick={() =>
            run(
              () => client.patch(path, { is_suspended: !budget.is_suspended }),
              budget.is_suspended ? 'Budget resumed.' : 'Budget suspended: the user gets 402 budget_suspended.',
            )
          }
          data-testid="budget-suspend"
        >
          {budget.is_suspended ? 'Resume budget' : 'Suspend budget'}
        </button>
        <ConfirmButton
          label="Remove budget"
          confirmLabel="Confirm remove"
          onConfirm={() => run(() => client.delete(path), 'Budget removed: the user is now bounded only by the wallet.')}
          disabled={action.pending}
          testId="budget-delete"
        />
      </div>
      <ActionFeedback action={action} testId="budget" />
    </div>
  );
}
