// Adds funds to the wallet; the API validates the amount (> 0, at most 6 decimals) and its error is shown here.
import { formatUsd } from '../format/format-usd';
import { toAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function TopUpForm({ onToppedUp }: { onToppedUp: () => void }) {
  const { api } = usePlatform();
  const action = useAction();
  const draft = useDraft({ amount: '', description: '' });

  const topUp = async (): Promise<string> => {
    const description = draft.values.description.trim();
    const result = await api.post('/wallet/topup', {
      body: { amount: toAmount(draft.values.amount), ...(description ? { description } : {}) },
    });
    draft.reset();
    onToppedUp();
    return `Added ${formatUsd(result.transaction.amount)}. New balance ${formatUsd(result.wallet.balance)}.`;
  };

  return (
    <>
      <ActionForm
        action={action}
        onSubmit={topUp}
        className="form-grid form-grid-3"
        testId="topup-form"
        actions={<SubmitButton pending={action.pending} label="Top up wallet" pendingLabel="Adding funds…" testId="topup-submit" />}
      >
        <TextField
          label="Amount (USD)"
          {...draft.bind('amount')}
          prefix="$"
          numeric="decimal"
          placeholder="50.00"
          required
          testId="topup-amount"
        />
        <TextField label="Description (optional)" {...draft.bind('description')} placeholder="Initial top-up" testId="topup-description" />
      </ActionForm>
      <ActionFeedback action={action} testId="topup" />
    </>
  );
}
