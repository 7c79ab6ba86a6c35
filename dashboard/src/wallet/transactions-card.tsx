// The wallet ledger, newest first, with signed amounts and running balance; filter by type.
import { useState } from 'react';
import type { WalletTransactionType } from '../api';
import { usePlatform } from '../session/session-context';
import { Card } from '../ui/card';
import { PagedView } from '../ui/paged-view';
import { Select, type SelectOption } from '../ui/select-field';
import { useResource } from '../ui/use-resource';
import { TransactionsTable } from './transactions-table';

const pageSize = 20;

const typeOptions: ReadonlyArray<SelectOption<WalletTransactionType | ''>> = [
  { value: '', label: 'All types' },
  { value: 'top_up', label: 'Top-ups' },
  { value: 'llm_usage', label: 'LLM usage' },
  { value: 'adjustment', label: 'Adjustments' },
  { value: 'refund', label: 'Refunds' },
];

export function TransactionsCard({ version }: { version: number }) {
  const { api } = usePlatform();
  const [page, setPage] = useState(1);
  const [type, setType] = useState<WalletTransactionType | ''>('');
  const transactions = useResource(
    () => api.list('/wallet/transactions', { query: { page, limit: pageSize, type: type || undefined } }),
    [api, page, type, version],
  );
  return (
    <Card
      title="Transactions"
      flush
      testId="wallet-transactions"
      actions={
        <Select
          small
          value={type}
          onChange={(value) => {
            setPage(1);
            setType(value);
          }}
          options={typeOptions}
          ariaLabel="Transaction type"
          testId="transactions-type"
        />
      }
    >
      <PagedView resource={transactions} onPage={setPage} testId="transactions-pagination">
        {(rows) => <TransactionsTable transactions={rows} />}
      </PagedView>
    </Card>
  );
}
