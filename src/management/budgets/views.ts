/** Budget rows → API objects (spec §3): USD numbers; remaining_usd = max − used − reserved on the budget, max − used on ledger rows. */

import type { z } from 'zod';
import type { BudgetBalance } from '../../billing/balances.js';
import { microsToUsd } from '../../billing/money.js';
import type { BudgetTransactionsTable } from '../../store/schema.js';
import { parseJsonObject } from '../views.js';
import type { Budget, BudgetTransaction } from './responses.js';

const usdOrNull = (v: number | null) => (v === null ? null : microsToUsd(v));

/** The budget as billing reads it (billing.balances): reserved is everything requests in flight hold. */
export const budgetView = (b: BudgetBalance): z.input<typeof Budget> => ({
  id: b.id,
  platform_id: b.platform_id,
  end_user_id: b.end_user_id,
  max_usd: microsToUsd(b.max_micros),
  used_usd: microsToUsd(b.used_micros),
  reserved_usd: microsToUsd(b.heldMicros),
  remaining_usd: microsToUsd(b.availableMicros),
  period: b.period,
  period_start: b.period_start,
  auto_replenish: Number(b.auto_replenish) === 1,
  replenish_amount: usdOrNull(b.replenish_amount_micros),
  low_balance_threshold: usdOrNull(b.low_balance_threshold_micros),
  is_active: Number(b.is_active) === 1,
  is_suspended: Number(b.is_suspended) === 1,
  created_at: b.created_at,
  updated_at: b.updated_at,
});

export const budgetTransactionView = (t: BudgetTransactionsTable): z.input<typeof BudgetTransaction> => ({
  id: t.id,
  budget_id: t.budget_id,
  type: t.type,
  amount: microsToUsd(t.amount_micros),
  max_usd_after: microsToUsd(t.max_after_micros),
  used_usd_after: microsToUsd(t.used_after_micros),
  remaining_usd_after: microsToUsd(t.max_after_micros - t.used_after_micros),
  reason: t.reason,
  metadata: parseJsonObject(t.metadata),
  request_id: t.request_id,
  created_at: t.created_at,
});
