/**
 * Each platform's billing settings (`markup_percentage`, `low_balance_thresholds`), held in memory so the hot
 * path reads no settings row. Entries live
 * `ttlMs` (other instances' changes arrive within it) and a local `platform.changed` clears them at once.
 */

/** markup_percentage from a platform's settings JSON (validated on write; anything odd counts as 0). */
export function markupFromSettings(settings: string | null | undefined): number {
  if (!settings) return 0;
  try {
    const m = (JSON.parse(settings) as { markup_percentage?: unknown }).markup_percentage;
    return typeof m === 'number' && Number.isFinite(m) && m > 0 ? m : 0;
  } catch {
    return 0;
  }
}

/** What settlement needs from a platform's settings. */
export type BillingSettings = {
  markup: number;
  /** settings.low_balance_thresholds: percentages of a budget's max_usd (validated on write), [] when unset. */
  lowBalancePcts: readonly number[];
};

/** low_balance_thresholds from a platform's settings JSON; anything odd counts as none. */
export function billingSettingsFrom(settings: string | null | undefined): BillingSettings {
  let pcts: unknown;
  try {
    pcts = settings ? (JSON.parse(settings) as { low_balance_thresholds?: unknown }).low_balance_thresholds : undefined;
  } catch {
    pcts = undefined;
  }
  const lowBalancePcts = Array.isArray(pcts) ? pcts.filter((p): p is number => typeof p === 'number' && p > 0 && p < 100) : [];
  return { markup: markupFromSettings(settings), lowBalancePcts };
}

export class MarkupCache {
  private readonly entries = new Map<string, { settings: BillingSettings; atMs: number }>();

  constructor(private readonly opts: { ttlMs: number; maxEntries: number }) {}

  get(platformId: string): BillingSettings | undefined {
    const e = this.entries.get(platformId);
    if (!e || Date.now() - e.atMs > this.opts.ttlMs) return undefined;
    return e.settings;
  }

  set(platformId: string, settings: BillingSettings): void {
    // Bounded: dropping everything at the bound is simpler than LRU and costs one re-read per platform.
    if (this.entries.size >= this.opts.maxEntries) this.entries.clear();
    this.entries.set(platformId, { settings, atMs: Date.now() });
  }

  invalidate(platformId?: string): void {
    if (platformId === undefined) this.entries.clear();
    else this.entries.delete(platformId);
  }
}
