/**
 * Wallets and budgets as billing accounts for them: the stored row plus what requests in flight hold on it.
 * On SQLite those holds live in the engine's memory (holds.ts), on PostgreSQL in the row's reserved_micros;
 * readers outside billing get both summed here and never ask the engine for its holds.
 */
import type { BudgetsTable, WalletsTable } from '../store/schema.js';

/** What the engine holds in this process's memory (SQLite; always 0 on PostgreSQL), in µUSD. */
export type MemoryHolds = {
  wallet(platformId: string): number;
  budget(budgetId: string): number;
};

export type WalletBalance = WalletsTable & {
  /** µUSD held for requests in flight: reserved_micros plus the in-memory holds. */
  heldMicros: number;
  /** balance_micros − heldMicros: what the next request may reserve. */
  availableMicros: number;
};

export type BudgetBalance = BudgetsTable & {
  /** µUSD held for requests in flight: reserved_micros plus the in-memory holds. */
  heldMicros: number;
  /** max_micros − used_micros − heldMicros. */
  availableMicros: number;
};

/** The platform's wallet, and the end user's budget when one was asked for; null where there is none. */
export type Balances = { wallet: WalletBalance | null; budget: BudgetBalance | null };

export function walletBalance(row: WalletsTable, holds: MemoryHolds): WalletBalance {
  const heldMicros = row.reserved_micros + holds.wallet(row.platform_id);
  return { ...row, heldMicros, availableMicros: row.balance_micros - heldMicros };
}

export function budgetBalance(row: BudgetsTable, holds: MemoryHolds): BudgetBalance {
  const heldMicros = row.reserved_micros + holds.budget(row.id);
  return { ...row, heldMicros, availableMicros: row.max_micros - row.used_micros - heldMicros };
}
