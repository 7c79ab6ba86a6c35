/**
 * The webhook events of billing's manual movements (spec §6), enqueued in the movement's own transaction so
 * the event exists exactly when the ledger row does. Data shapes are §6's, amounts in USD.
 */
import type { Kysely } from 'kysely';
import type { BudgetTransactionsTable, Database, WalletTransactionsTable } from '../store/schema.js';
import { enqueueWebhookEvent } from '../webhooks/index.js';
import { budgetThresholds, crossedBelow, thresholdData, thresholdSuffix } from './low-balance.js';
import { billingSettingsFrom } from './markup-cache.js';
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

const budgetData = (tx: BudgetTransactionsTable) => ({
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
});

export async function enqueueBudgetEvent(trx: Kysely<Database>, eventType: BudgetEventType, tx: BudgetTransactionsTable): Promise<void> {
  await enqueueWebhookEvent(trx, {
    platformId: tx.platform_id,
    eventType,
    transactionId: tx.id,
    createdAt: tx.created_at,
    data: budgetData(tx),
  });
}

/**
 * budget.low_balance for each threshold a manual debit took `remaining = max - used` below, as settlements do
 * (spec §6: edge-triggered; the budget's own threshold and the platform's percentages, one event id each).
 */
export async function enqueueBudgetLowBalance(
  trx: Kysely<Database>,
  tx: BudgetTransactionsTable,
  remainingBeforeMicros: number,
  ownThresholdMicros: number | null,
): Promise<void> {
  const platform = await trx.selectFrom('platforms').select('settings').where('id', '=', tx.platform_id).executeTakeFirst();
  const { lowBalancePcts } = billingSettingsFrom(platform?.settings);
  const remainingAfter = tx.max_after_micros - tx.used_after_micros;
  for (const t of budgetThresholds(tx.max_after_micros, ownThresholdMicros, lowBalancePcts)) {
    if (!crossedBelow(remainingBeforeMicros, remainingAfter, t.micros)) continue;
    await enqueueWebhookEvent(trx, {
      platformId: tx.platform_id,
      eventType: 'budget.low_balance',
      transactionId: tx.id,
      idSuffix: thresholdSuffix(t),
      createdAt: tx.created_at,
      data: { ...budgetData(tx), ...thresholdData(t) },
    });
  }
}
