// Wallet ledger rows: credits positive (green), debits negative.
import type { WalletTransaction } from '../api';
import { formatDateTime } from '../format/format-date-time';
import { shortId } from '../format/short-id';
import { Badge, type BadgeTone } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import { Money } from '../ui/money';

const typeLabels: Record<string, { label: string; tone: BadgeTone }> = {
  top_up: { label: 'Top-up', tone: 'green' },
  llm_usage: { label: 'LLM usage', tone: 'grey' },
  adjustment: { label: 'Adjustment', tone: 'blue' },
  refund: { label: 'Refund', tone: 'amber' },
};

export function TransactionsTable({ transactions }: { transactions: WalletTransaction[] }) {
  if (transactions.length === 0) {
    return (
      <EmptyState title="No transactions yet." testId="transactions-empty">
        Top up the wallet to fund your first requests.
      </EmptyState>
    );
  }
  return (
    <table className="table" data-testid="transactions-table">
      <thead>
        <tr>
          <th>Date</th>
          <th>Type</th>
          <th>Description</th>
          <th className="num">Amount</th>
          <th className="num">Balance after</th>
        </tr>
      </thead>
      <tbody>
        {transactions.map((transaction) => {
          const type = typeLabels[transaction.type] ?? { label: transaction.type, tone: 'grey' as const };
          return (
            <tr key={transaction.id}>
              <td className="nowrap">{formatDateTime(transaction.created_at)}</td>
              <td>
                <Badge tone={type.tone}>{type.label}</Badge>
              </td>
              <td>
                {transaction.description ?? <span className="muted">—</span>}
                {transaction.request_id ? <span className="muted small"> · request {shortId(transaction.request_id)}</span> : null}
              </td>
              <td className="num">
                <Money value={transaction.amount} signed />
              </td>
              <td className="num">
                <Money value={transaction.balance_after} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
