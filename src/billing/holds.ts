/**
 * Open reservations held in memory (the SQLite engine: one process owns the embedded database, see
 * docs/decisions.md). A hold is a pending transfer: it is claimed exactly once (by settle or release), and
 * its amounts stay counted against the wallet and the budget until the claimant drops it — settle drops
 * it only after the debit has committed, so `balance − held` never overstates what is available.
 * Bounded by the requests in flight: every admitted request resolves its hold (settle or release in a
 * `finally`), and a crash loses the holds together with the requests they belonged to.
 */

export type Hold = {
  requestId: string;
  platformId: string;
  endUserId: string | null;
  /** null when the request is held on the wallet only. */
  budgetId: string | null;
  walletMicros: number;
  budgetMicros: number;
};

export class Holds {
  private readonly open = new Map<string, Hold>();
  private readonly byWallet = new Map<string, number>();
  private readonly byBudget = new Map<string, number>();

  /** True while the request's hold is open (not yet claimed). */
  has(requestId: string): boolean {
    return this.open.has(requestId);
  }

  add(hold: Hold): void {
    this.open.set(hold.requestId, hold);
    this.restore(hold);
  }

  /** Takes the open hold for resolution (once: later claims get undefined). Its amounts stay counted until drop(). */
  claim(requestId: string): Hold | undefined {
    const hold = this.open.get(requestId);
    if (hold) this.open.delete(requestId);
    return hold;
  }

  /** Stops counting a claimed hold. */
  drop(hold: Hold): void {
    addTo(this.byWallet, hold.platformId, -hold.walletMicros);
    if (hold.budgetId) addTo(this.byBudget, hold.budgetId, -hold.budgetMicros);
  }

  /** Counts a claimed hold again (its drop was rolled back with the transaction that posted it). */
  restore(hold: Hold): void {
    addTo(this.byWallet, hold.platformId, hold.walletMicros);
    if (hold.budgetId) addTo(this.byBudget, hold.budgetId, hold.budgetMicros);
  }

  /** µUSD held on the platform's wallet by requests in flight (claimed holds included until dropped). */
  walletMicros(platformId: string): number {
    return this.byWallet.get(platformId) ?? 0;
  }

  /** µUSD held on the budget by requests in flight (claimed holds included until dropped). */
  budgetMicros(budgetId: string): number {
    return this.byBudget.get(budgetId) ?? 0;
  }
}

function addTo(totals: Map<string, number>, key: string, micros: number): void {
  if (!micros) return;
  const sum = (totals.get(key) ?? 0) + micros;
  // Delete at zero, so the maps hold only the platforms and budgets with requests in flight.
  if (sum === 0) totals.delete(key);
  else totals.set(key, sum);
}
