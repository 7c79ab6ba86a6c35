/**
 * Each platform's `markup_percentage`, held in memory so the hot path reads no settings row. Entries live
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

export class MarkupCache {
  private readonly entries = new Map<string, { markup: number; atMs: number }>();

  constructor(private readonly opts: { ttlMs: number; maxEntries: number }) {}

  get(platformId: string): number | undefined {
    const e = this.entries.get(platformId);
    if (!e || Date.now() - e.atMs > this.opts.ttlMs) return undefined;
    return e.markup;
  }

  set(platformId: string, markup: number): void {
    // Bounded: dropping everything at the bound is simpler than LRU and costs one re-read per platform.
    if (this.entries.size >= this.opts.maxEntries) this.entries.clear();
    this.entries.set(platformId, { markup, atMs: Date.now() });
  }

  invalidate(platformId?: string): void {
    if (platformId === undefined) this.entries.clear();
    else this.entries.delete(platformId);
  }
}
