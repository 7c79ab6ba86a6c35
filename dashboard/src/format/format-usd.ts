// USD formatting for API amounts (numbers or 6-decimal strings): `$50.00`, `$0.000125`, `$1,234.5678`.

/** Parses an API amount; `null` when it is missing or not a finite number. */
export function parseUsd(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const amount = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(amount) ? amount : null;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function magnitude(amount: number): string {
  const [whole = '0', fraction = ''] = Math.abs(amount).toFixed(6).split('.');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `$${groupThousands(whole)}.${trimmed}`;
}

/** `$12.345678`, trimmed to at least two decimals; negatives as `−$5.00`; `—` when missing. */
export function formatUsd(value: number | string | null | undefined): string {
  const amount = parseUsd(value);
  if (amount === null) return '—';
  const text = magnitude(amount);
  return amount < 0 && text !== '$0.00' ? `−${text}` : text;
}

/** Like `formatUsd` but always signed (`+$50.00`, `−$0.000125`), for ledger rows. */
export function formatSignedUsd(value: number | string | null | undefined): string {
  const amount = parseUsd(value);
  if (amount === null) return '—';
  if (amount === 0) return '$0.00';
  return `${amount < 0 ? '−' : '+'}${magnitude(amount)}`;
}
