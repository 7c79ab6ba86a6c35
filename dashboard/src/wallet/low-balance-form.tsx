// The wallet's low-balance threshold (triggers the `wallet.low_balance` webhook).
import type { Wallet } from '../api';
import { toOptionalAmount } from '../format/to-amount';
import { usePlatform } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

export function LowBalanceForm({ wallet, onSaved }: { wallet: Wallet; onSaved: () => void }) {
  const { client, basePath } = usePlatform();
  const action = useAction();
  const draft = useDraft({ threshold: wallet.low_balance_threshold === null ? '' : String(wallet.low_balance_threshold) });

  const save = async (): Promise<string> => {
    await client.patch<Wallet>(`${basePath}/wallet`, { low_balance_threshold: toOptionalAmount(draft.values.threshold) });
    onSaved();
    return 'Low-balance alert saved.';
  };

  return (
    <Card
      title="Low-balance alert"
      description="A wallet.low_balance webhook fires once when a request's charge takes the balance below this amount; a top-up above it re-arms the alert."
    >
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
