// The last 30 UTC days as the `from`/`to` of `GET /usage`, and the list of day keys to chart.

/** Days shown on the overview chart. */
const usageWindowDays = 30;

/** ISO bounds: `from` = 00:00 UTC 29 days ago, `to` = now. */
export interface UsageWindow {
  from: string;
  to: string;
  days: string[];
}

export function lastDays(now: Date, count = usageWindowDays): UsageWindow {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (count - 1));
  const days = Array.from({ length: count }, (_, index) => new Date(start + index * 86_400_000).toISOString().slice(0, 10));
  return { from: new Date(start).toISOString(), to: now.toISOString(), days };
}
