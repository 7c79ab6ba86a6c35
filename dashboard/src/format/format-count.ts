// Integer counts (requests, tokens) with thousands separators.

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `12,345`; `—` for null. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : counts.format(value);
}
