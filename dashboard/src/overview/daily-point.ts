// Usage rows grouped by day, spread over every day of the window (missing days count as zero).
import type { UsageRow } from '../api';
import { parseUsd } from '../format/format-usd';

/** One bar/point of the chart; `spendUsd` is what the wallet was charged. */
export interface DailyPoint {
  day: string;
  requests: number;
  spendUsd: number;
}

export function toDailyPoints(days: readonly string[], rows: readonly UsageRow[]): DailyPoint[] {
  const byDay = new Map<string, UsageRow>();
  for (const row of rows) if (row.key) byDay.set(row.key.slice(0, 10), row);
  return days.map((day) => {
    const row = byDay.get(day);
    return { day, requests: row?.requests ?? 0, spendUsd: parseUsd(row?.cost_usd) ?? 0 };
  });
}
