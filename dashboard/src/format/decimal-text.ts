// Prices as decimal text: read from the API's JSON numbers and shown without float arithmetic.

/**
 * The decimal text of an API price: `0.15` → `"0.15"`, `"3.75"` stays. JavaScript prints a number as the
 * shortest text that reads back to it, which for a price of at most 6 decimals is the price as typed.
 * `""` for null (not set).
 */
export function decimalText(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  const text = String(value);
  // Below 1e-6 or from 1e21 up, String() switches to exponent form; no price reaches that, but stay plain.
  return /e/i.test(text) ? value.toFixed(6) : text;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `"2.5"` → `$2.50`, `"1234.000125"` → `$1,234.000125`: at least two decimals, the rest as given, by
 * string operations only. `—` for null; other text (not a plain decimal) is shown as it is.
 */
export function formatPrice(value: number | string | null | undefined): string {
  const text = decimalText(value);
  if (text === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '0', fraction = ''] = match;
  return `${sign ? '−' : ''}$${groupThousands(whole)}.${fraction.padEnd(2, '0')}`;
}
