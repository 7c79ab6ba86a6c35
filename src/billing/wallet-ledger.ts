/**
 * Manual wallet movements (top-ups, operator adjustments, refunds). Each is one conditional UPDATE …
 * RETURNING plus one append-only ledger row, in the caller's transaction: never read-then-write.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Clock } from '../context.js';
import { uuidv7 } from '../crypto/ids.js';
import type { Store } from '../store/database.js';
import type { Database, WalletsTable, WalletTransactionsTable } from '../store/schema.js';
import { type MemoryHolds, type WalletBalance, walletBalance } from './balances.js';
import type { InTransaction } from './in-transaction.js';
import { enqueueWalletEvent } from './movement-events.js';

export type WalletMove = {
  platformId: string;
  type: WalletTransactionsTable['type'];
  amountMicros: number;
  description: string | null;
  requestId?: string | null;
  endUserId?: string | null;
  nowIso: string;
  /** What the engine holds in memory for requests in flight (billing.heldFor, SQLite): a debit keeps it covered too. */
  heldMicros?: number;
};

/** Returns null when a debit would take the balance below what is reserved or held (nothing is written). */
export async function moveWallet(
  trx: Kysely<Database>,
  move: WalletMove,
): Promise<{ transaction: WalletTransactionsTable; wallet: WalletsTable } | null> {
  let update = trx
    .updateTable('wallets')
    .set({ balance_micros: sql`balance_micros + ${move.amountMicros}`, updated_at: move.nowIso })
    .where('platform_id', '=', move.platformId);
  if (move.amountMicros < 0)
    update = update.where(sql<boolean>`balance_micros + ${move.amountMicros} >= reserved_micros + ${move.heldMicros ?? 0}`);
  const wallet = await update.returningAll().executeTakeFirst();
  if (!wallet) return null;
  const transaction: WalletTransactionsTable = {
    id: uuidv7(),
    wallet_id: wallet.id,
    platform_id: move.platformId,
    type: move.type,
    amount_micros: move.amountMicros,
    balance_after_micros: wallet.balance_micros,
    description: move.description,
    request_id: move.requestId ?? null,
    end_user_id: move.endUserId ?? null,
    created_at: move.nowIso,
  };
  await trx.insertInto('wallet_transactions').values(transaction).execute();
  if (move.type === 'top_up') await enqueueWalletEvent(trx, 'wallet.topped_up', transaction);
  return { transaction, wallet };
}

/**
 * A manual movement in its own transaction. A debit keeps what requests in flight hold covered (the engine's
 * memory holds included); null when it cannot, or when the platform has no wallet.
 */
export async function moveWalletNow(
  deps: { store: Store; clock: Clock; holds: MemoryHolds },
  move: Omit<WalletMove, 'nowIso' | 'heldMicros'>,
  alsoInTransaction?: InTransaction<{ transaction: WalletTransactionsTable; wallet: WalletsTable }>,
): Promise<{ transaction: WalletTransactionsTable; wallet: WalletBalance } | null> {
  const nowIso = new Date(deps.clock.now()).toISOString();
  const moved = await deps.store.db.transaction().execute(async (trx) => {
    const done = await moveWallet(trx, { ...move, nowIso, heldMicros: deps.holds.wallet(move.platformId) });
    if (done) await alsoInTransaction?.(trx, done);
    return done;
  });
  return moved && { transaction: moved.transaction, wallet: walletBalance(moved.wallet, deps.holds) };
}
