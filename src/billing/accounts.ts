/**
 * Billing's API for everything outside the hot path: reading wallet and budget balances (holds included) and
 * the manual movements on them. Management calls only these; each movement is one transaction here.
 */
import type { Clock } from '../context.js';
import type { Store } from '../store/database.js';
import type { BudgetsTable } from '../store/schema.js';
import { type Balances, type BudgetBalance, type MemoryHolds, walletBalance } from './balances.js';
import {
  type BudgetBeforeAfter,
  type BudgetChange,
  type BudgetChanged,
  type BudgetMove,
  type BudgetMoved,
  type BudgetOpenInput,
  changeBudget,
  currentBudget,
  deleteBudget,
  moveBudget,
  openBudgetFor,
} from './budget-movements.js';
import type { InTransaction } from './in-transaction.js';
import { moveWalletNow, type WalletMove } from './wallet-ledger.js';

export type BillingAccounts = {
  /**
   * The platform's wallet and, with endUserId, the end user's budget as they stand now (a due period reset is
   * written first); null where there is none. Reserved amounts include this process's in-memory holds.
   */
  balances(q: { platformId: string; endUserId?: string }): Promise<Balances>;
  /** A top-up, adjustment or refund; null when the platform has no wallet or a debit would leave holds uncovered. */
  moveWallet(move: Omit<WalletMove, 'nowIso' | 'heldMicros'>, also?: Parameters<typeof moveWalletNow>[2]): ReturnType<typeof moveWalletNow>;
  openBudget(
    input: BudgetOpenInput,
    also?: InTransaction<BudgetsTable>,
  ): Promise<{ ok: true; budget: BudgetBalance } | { ok: false; code: 'budget_exists' }>;
  /** A budget top-up (raises max) or debit (raises used). */
  moveBudget(platformId: string, endUserId: string, move: BudgetMove, also?: InTransaction<BudgetBeforeAfter>): Promise<BudgetMoved>;
  /** Limits, period, replenishment, suspension: each movement with its ledger row. */
  changeBudget(
    platformId: string,
    endUserId: string,
    change: BudgetChange,
    also?: InTransaction<BudgetBeforeAfter>,
  ): Promise<BudgetChanged>;
  /** False when the end user had no budget. Its ledger rows stay. */
  deleteBudget(platformId: string, endUserId: string, also?: InTransaction<BudgetsTable>): Promise<boolean>;
};

export function createAccounts(deps: { store: Store; clock: Clock; holds: MemoryHolds }): BillingAccounts {
  return {
    async balances({ platformId, endUserId }) {
      const row = await deps.store.db.selectFrom('wallets').selectAll().where('platform_id', '=', platformId).executeTakeFirst();
      return {
        wallet: row ? walletBalance(row, deps.holds) : null,
        budget: endUserId === undefined ? null : await currentBudget(deps, platformId, endUserId),
      };
    },
    moveWallet: (move, also) => moveWalletNow(deps, move, also),
    openBudget: (input, also) => openBudgetFor(deps, input, also),
    moveBudget: (platformId, endUserId, move, also) => moveBudget(deps, platformId, endUserId, move, also),
    changeBudget: (platformId, endUserId, change, also) => changeBudget(deps, platformId, endUserId, change, also),
    deleteBudget: (platformId, endUserId, also) => deleteBudget(deps, platformId, endUserId, also),
  };
}
