// Wallet: balance, top-up (the page's primary action), and the signed transaction ledger.
import { useState } from 'react';
import { platformRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { BalanceSummary } from '../ui/balance-summary';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { LowBalanceForm } from './low-balance-form';
import { TopUpForm } from './top-up-form';
import { TransactionsCard } from './transactions-card';

export function WalletPage() {
  const { api } = usePlatform();
  const can = useCan();
  const wallet = useResource(() => api.get('/wallet'), [api]);
  const [ledgerVersion, setLedgerVersion] = useState(0);

  return (
    <>
      <PageHeader
        title="Wallet"
        description="Prepaid balance in USD. Each request reserves its worst-case cost, then is debited its exact cost."
      />
      <ResourceView resource={wallet}>
        {(data) => (
          <div className="stack">
            <Card>
              <BalanceSummary wallet={data} />
            </Card>
            {/* Hidden from roles that cannot top up (the API refuses them anyway). */}
            {can('POST', `${platformRoute}/wallet/topup`) ? (
              <Card title="Add funds" description="Top-ups are credited at once and appear in the transactions below.">
                <TopUpForm
                  onToppedUp={() => {
                    wallet.reload();
                    setLedgerVersion((value) => value + 1);
                  }}
                />
              </Card>
            ) : null}
            <TransactionsCard version={ledgerVersion} />
            <LowBalanceForm wallet={data} onSaved={wallet.reload} editable={can('PATCH', `${platformRoute}/wallet`)} />
          </div>
        )}
      </ResourceView>
    </>
  );
}
