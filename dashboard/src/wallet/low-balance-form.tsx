// The wallet's low-balance threshold (triggers the `wallet.low_balance` webhook).
import type { Wallet } from '../api';
import { toOptionalAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { Money } from '../ui/money';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

/** `editable` false (a role that cannot change the wallet): the threshold is shown, not a form. */
export function LowBalanceForm({ wallet, onSaved, editable }: { wallet: Wallet; onSaved: () => void; editable: boolean }) {
  const { api } = usePlatform();
  const action = useAction();
  const draft = useDraft({ threshold: wallet.low_balance_threshold === null ? '' : String(wallet.low_balance_threshold) });

  const save = async (): Promise<string> => {
    await api.patch('/wallet', { body: { low_balance_threshold: toOptionalAmount(draft.values.threshold) } });
    onSaved();
    return 'Low-balance alert saved.';
  };

  const description =
    "A wallet.low_balance webhook fires once when a request's charge takes the balance below this amount; a top-up above it re-arms the alert.";
  if (!editable) {
    return (
      <Card title="Low-balance alert" description={description} testId="low-balance-readonly">
        {wallet.low_balance_threshold === null ? (
          <span className="muted">No alert</span>
        ) : (
          <span>
            Alert below <Money value={wallet.low_balance_threshold} />
          </span>
        )}
      </Card>
    );
  }
  return (
    <Card title="Low-balance alert" description={description}>
      <ActionForm
        action={action}
        onSubmit={save}
        className="form-grid form-grid-3"
        actionsPlacement="start"
        actions={<SubmitButton pending={action.pending} label="Save alert" tone="default" testId="low-balance-save" />}
      >
        <TextField
          label="Alert below (USD)"
          {...draft.bind('threshold')}
          prefix="$"
          numeric="decimal"
          placeholder="No alert"
          testId="low-balance-threshold"
        />
      </ActionForm>
      <ActionFeedback action={action} testId="low-balance" />
    </Card>
  );
}
