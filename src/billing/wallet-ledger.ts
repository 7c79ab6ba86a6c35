/**
 * Manual wallet movements (top-ups, operator adjustments, refunds). Each is one conditional UPDATE …
 * RETURNING plus one append-only ledger row, in the caller's transaction: never read-then-write.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import type { Database, WalletsTable, WalletTransactionsTable } from '../store/schema.js';

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
  return { transaction, wallet };
}
