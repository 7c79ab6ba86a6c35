// Adds funds to the wallet; the API validates the amount (> 0, at most 6 decimals) and its error is shown here.
import { type FormEvent, useState } from 'react';
import type { WalletTopUpResult } from '../api';
import { formatUsd } from '../format/format-usd';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Field } from '../ui/field';
import { useAction } from '../ui/use-action';

export function TopUpForm({ onToppedUp }: { onToppedUp: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      const result = await client.post<WalletTopUpResult>(`${basePath}/wallet/topup`, {
        amount: toAmount(amount),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      setAmount('');
      setDescription('');
      onToppedUp();
      return `Added ${formatUsd(result.transaction.amount)}. New balance ${formatUsd(result.wallet.balance)}.`;
    });
  };

  return (
    <>
      <form className="form-grid form-grid-3" onSubmit={onSubmit} data-testid="topup-form">
        <Field label="Amount (USD)">
          <div className="input-affix">
            <span className="input-prefix">$</span>
            <input
              className="input num-input"
              inputMode="decimal"
              autoComplete="off"
              placeholder="50.00"
              value={amount}
              onChange={(event) => setAmount(event.target.value)}
              required
              data-testid="topup-amount"
            />
          </div>
        </Field>
        <Field label="Description (optional)">
          <input
            className="input"
            placeholder="Initial top-up"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            data-testid="topup-description"
          />
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="topup-submit">
            {action.pending ? 'Adding funds…' : 'Top up wallet'}
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="topup" />
    </>
  );
}
