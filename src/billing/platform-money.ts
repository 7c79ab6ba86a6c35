/**
 * A platform's money records over its lifetime: the wallet opened at zero with the platform, and every money
 * row deleted with it. Called inside the platform's own create or delete transaction (management owns the rest).
 */
import type { Kysely } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import type { Database } from '../store/schema.js';

export async function openWallet(trx: Kysely<Database>, platformId: string, nowIso: string): Promise<void> {
  await trx
    .insertInto('wallets')
    .values({
      id: uuidv7(),
      platform_id: platformId,
      balance_micros: 0,
      reserved_micros: 0,
      low_balance_threshold_micros: null,
      is_active: 1,
      created_at: nowIso,
      updated_at: nowIso,
    })
    .execute();
}

/** Deletes the platform's ledgers, balances and holds (a deleted platform keeps no money records). */
export async function purgePlatformMoney(trx: Kysely<Database>, platformId: string): Promise<void> {
  for (const table of ['wallet_transactions', 'wallets', 'budget_transactions', 'budgets', 'reservations'] as const)
    await trx.deleteFrom(table).where('platform_id', '=', platformId).execute();
}
