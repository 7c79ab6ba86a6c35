/** The recorded state of money rows (what an audit row diffs): stored fields in USD, not in-flight holds. */
import { microsToUsd } from '../billing/money.js';
import type { BudgetsTable, WalletsTable } from '../store/schema.js';

const usdOrNull = (v: number | null) => (v === null ? null : microsToUsd(v));

export const walletState = (w: WalletsTable) => ({
  balance: microsToUsd(w.balance_micros),
  low_balance_threshold: usdOrNull(w.low_balance_threshold_micros),
});

export const budgetState = (b: BudgetsTable) => ({
  end_user_id: b.end_user_id,
  max_usd: microsToUsd(b.max_micros),
  used_usd: microsToUsd(b.used_micros),
  period: b.period,
  auto_replenish: Number(b.auto_replenish) === 1,
  replenish_amount: usdOrNull(b.replenish_amount_micros),
  low_balance_threshold: usdOrNull(b.low_balance_threshold_micros),
  is_active: Number(b.is_active) === 1,
  is_suspended: Number(b.is_suspended) === 1,
});
