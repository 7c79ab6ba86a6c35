// The wallet's low-balance threshold (triggers the `wallet.low_balance` webhook).
import { type FormEvent, useState } from 'react';
import type { Wallet } from '../api';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { useAction } from '../ui/use-action';

export function LowBalanceForm({ wallet, onSaved }: { wallet: Wallet; onSaved: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const [threshold, setThreshold] = useState(wallet.low_balance_threshold === null ? '' : String(wallet.low_balance_threshold));

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      await client.patch<Wallet>(`${basePath}/wallet`, { low_balance_threshold: threshold.trim() === '' ? null : toAmount(threshold) });
      onSaved();
      return 'Low-balance alert saved.';
    });
  };

  return (
    <Card title="Low-balance alert" description="A wallet.low_balance webhook fires when the balance drops below this amount.">
      <form className="inline-form" onSubmit={onSubmit}>
        <div className="input-affix">
          <span className="input-prefix">$</span>
          <input
            className="input num-input"
            inputMode="decimal"
            placeholder="No alert"
            value={threshold}
            onChange={(event) => setThreshold(event.target.value)}
            data-testid="low-balance-threshold"
          />
        </div>
        <button type="submit" className="button" disabled={action.pending} data-testid="low-balance-save">
          Save
        </button>
      </form>
      <ActionFeedback action={action} testId="low-balance" />
    </Card>
  );
}
