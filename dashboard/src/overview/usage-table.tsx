// A ranked table of usage rows (top models, top end users).
import type { ReactNode } from 'react';
import type { UsageRow } from '../api';
import { formatCount } from '../format/format-count';
import { parseUsd } from '../format/format-usd';
import { EmptyState } from '../ui/empty-state';
import { Money } from '../ui/money';

interface UsageTableProps {
  rows: UsageRow[];
  keyLabel: string;
  renderKey: (row: UsageRow) => ReactNode;
  emptyTitle: string;
  testId: string;
  maxRows?: number;
}

export function UsageTable({ rows, keyLabel, renderKey, emptyTitle, testId, maxRows = 5 }: UsageTableProps) {
  const ranked = [...rows]
    .sort((a, b) => (parseUsd(b.cost_usd) ?? 0) - (parseUsd(a.cost_usd) ?? 0) || b.requests - a.requests)
    .slice(0, maxRows);
  if (ranked.length === 0) return <EmptyState title={emptyTitle} testId={`${testId}-empty`} />;
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>{keyLabel}</th>
          <th className="num">Requests</th>
          <th className="num">Tokens</th>
          <th className="num">Spend</th>
        </tr>
      </thead>
      <tbody>
        {ranked.map((row, index) => (
          <tr key={row.key ?? `none-${index}`}>
            <td>{renderKey(row)}</td>
            <td className="num">{formatCount(row.requests)}</td>
            <td
              className="num"
              title={`In ${formatCount(row.prompt_tokens)} (cache read ${formatCount(row.cached_tokens ?? 0)}, cache write ${formatCount(row.cache_write_tokens ?? 0)}) · out ${formatCount(row.completion_tokens)} (reasoning ${formatCount(row.reasoning_tokens ?? 0)})`}
            >
              {formatCount(row.prompt_tokens + row.completion_tokens)}
            </td>
            <td className="num">
              <Money value={row.cost_usd} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
