/**
 * The webhook events of billing's manual movements (spec §6), enqueued in the movement's own transaction so
 * the event exists exactly when the ledger row does. Data shapes are §6's, amounts in USD.
 */
import type { Kysely } from 'kysely';
import type { BudgetTransactionsTable, Database, WalletTransactionsTable } from '../store/schema.js';
import { enqueueWebhookEvent } from '../webhooks/index.js';
import { microsToUsd } from './money.js';

export type BudgetEventType = 'budget.topped_up' | 'budget.debited' | 'budget.suspended' | 'budget.unsuspended';

export async function enqueueWalletEvent(trx: Kysely<Database>, eventType: 'wallet.topped_up', tx: WalletTransactionsTable): Promise<void> {
  await enqueueWebhookEvent(trx, {
    platformId: tx.platform_id,
    eventType,
    transactionId: tx.id,
    createdAt: tx.created_at,
    data: {
      platform_id: tx.platform_id,
      wallet_id: tx.wallet_id,
      transaction_id: tx.id,
      type: tx.type,
      amount_usd: microsToUsd(tx.amount_micros),
      balance_after: microsToUsd(tx.balance_after_micros),
      reason: tx.description,
    },
  });
}

export async function enqueueBudgetEvent(trx: Kysely<Database>, eventType: BudgetEventType, tx: BudgetTransactionsTable): Promise<void> {
  await enqueueWebhookEvent(trx, {
    platformId: tx.platform_id,
    eventType,
    transactionId: tx.id,
    createdAt: tx.created_at,
    data: {
      platform_id: tx.platform_id,
      end_user_id: tx.end_user_id,
      budget_id: tx.budget_id,
      transaction_id: tx.id,
      type: tx.type,
      amount_usd: microsToUsd(tx.amount_micros),
      max_usd_after: microsToUsd(tx.max_after_micros),
      used_usd_after: microsToUsd(tx.used_after_micros),
      remaining_usd_after: microsToUsd(tx.max_after_micros - tx.used_after_micros),
      reason: tx.reason,
      metadata: JSON.parse(tx.metadata) as unknown,
    },
  });
}
