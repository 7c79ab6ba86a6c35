// The wallet balance as one big number, with available and reserved beside it.
import type { Wallet } from '../api';
import { Money } from './money';
import { Stat } from './stat';

export function BalanceSummary({ wallet }: { wallet: Wallet }) {
  return (
    <div className="balance-summary">
      <div className="balance-main">
        <span className="stat-label">Wallet balance</span>
        <span className="balance-figure">
          <Money value={wallet.balance} testId="wallet-balance" />
          <span className="balance-currency">{wallet.currency.toUpperCase()}</span>
        </span>
      </div>
      <div className="balance-side">
        <Stat label="Available" hint="Balance minus reservations">
          <Money value={wallet.available} testId="wallet-available" />
        </Stat>
        <Stat label="Reserved" hint="Held for requests in flight">
          <Money value={wallet.reserved} testId="wallet-reserved" />
        </Stat>
      </div>
    </div>
  );
}
