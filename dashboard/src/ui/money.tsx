// A USD amount, right-aligned-friendly (tabular numbers), signed for ledger rows.
import { formatSignedUsd, formatUsd, parseUsd } from '../format/format-usd';

interface MoneyProps {
  value: number | string | null | undefined;
  signed?: boolean;
  testId?: string;
}

export function Money({ value, signed = false, testId }: MoneyProps) {
  const amount = parseUsd(value) ?? 0;
  const tone = signed ? (amount > 0 ? 'amount-credit' : amount < 0 ? 'amount-debit' : '') : '';
  return (
    <span className={`amount ${tone}`.trim()} data-testid={testId} data-value={value ?? ''}>
      {signed ? formatSignedUsd(value) : formatUsd(value)}
    </span>
  );
}
