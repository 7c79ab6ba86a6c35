/**
 * Low-balance thresholds (spec §6, docs/decisions.md "Low-balance and exhausted events"): which thresholds a
 * settlement crossed. Edge-triggered by comparing the balance before and after the debit: settlements of one
 * wallet or budget are serialised (SQLite's single writer, PostgreSQL's row lock), so each crossing is seen by
 * exactly one settlement, and a top-up, replenish or reset re-arms a threshold simply by lifting the balance.
 */
import { microsToUsd } from './money.js';

export type Threshold = {
  micros: number;
  /** The percentage of max_usd (settings.low_balance_thresholds), or null for the budget's own threshold. */
  percentage: number | null;
};

/** True when the debit took the balance from at or above the threshold to below it. */
export const crossedBelow = (beforeMicros: number, afterMicros: number, thresholdMicros: number) =>
  beforeMicros >= thresholdMicros && afterMicros < thresholdMicros;

/**
 * A budget's thresholds: its own low_balance_threshold and each platform percentage of max_usd (floored to
 * whole µUSD); a percentage landing on the same amount as another threshold is the same threshold.
 */
export function budgetThresholds(maxMicros: number, ownMicros: number | null, pcts: readonly number[]): Threshold[] {
  const out: Threshold[] = ownMicros !== null && ownMicros > 0 ? [{ micros: ownMicros, percentage: null }] : [];
  for (const p of pcts) {
    const micros = Math.floor((maxMicros * p) / 100);
    if (micros > 0 && !out.some((t) => t.micros === micros)) out.push({ micros, percentage: p });
  }
  return out;
}

/** The suffix that makes one event id per threshold: none for the budget's own (spec §6's id), `:<p>%` for a percentage. */
export const thresholdSuffix = (t: Threshold) => (t.percentage === null ? '' : `:${t.percentage}%`);

/** The fields low-balance events add to §6's data: which threshold was crossed. */
export const thresholdData = (t: Threshold) => ({ threshold_usd: microsToUsd(t.micros), threshold_percentage: t.percentage });
