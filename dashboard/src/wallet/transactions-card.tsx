// The wallet ledger, newest first, with signed amounts and running balance; filter by type.
import { useState } from 'react';
import type { WalletTransaction } from '../api';
import { usePlatform } from '../session/session-context';
import { Card } from '../ui/card';
import { Pagination } from '../ui/pagination';
import { ResourceView } from '../ui/resource-view';
import { useResource } from '../ui/use-resource';
import { TransactionsTable } from './transactions-table';

const pageSize = 20;

export function TransactionsCard({ version }: { version: number }) {
  const { client, basePath } = usePlatform();
  const [page, setPage] = useState(1);
  const [type, setType] = useState('');
  const transactions = useResource(
    () => client.list<WalletTransaction>(`${basePath}/wallet/transactions`, { page, limit: pageSize, type }),
    [client, basePath, page, type, version],
  );
  return (
    <Card
      title="Transactions"
      flush
      testId="wallet-transactions"
      actions={
        <select
          className="input input-small"
          value={type}
          onChange={(event) => {
            setPage(1);
            setType(event.target.value);
          }}
          aria-label="Transaction type"
          data-testid="transactions-type"
        >
          <option value="">All types</option>
          <option value="top_up">Top-ups</option>
          <option value="llm_usage">LLM usage</option>
          <option value="adjustment">Adjustments</option>
          <option value="refund">Refunds</option>
        </select>
      }
    >
      <ResourceView resource={transactions}>
        {(result) => (
          <>
            <TransactionsTable transactions={result.data} />
            <Pagination page={result.page} limit={result.limit} total={result.total} onPage={setPage} testId="transactions-pagination" />
          </>
        )}
      </ResourceView>
    </Card>
  );
}
