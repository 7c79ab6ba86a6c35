// Wire shape of an end user's budget.

/** How a budget's usage resets. */
export type BudgetPeriod = 'one_time' | 'daily' | 'monthly';

/** USD amounts: `remaining_usd = max_usd − used_usd − reserved_usd`. */
export interface Budget {
  id: string;
  platform_id: string;
  end_user_id: string;
  max_usd: number | string;
  used_usd: number | string;
  reserved_usd: number | string;
  remaining_usd: number | string;
  period: BudgetPeriod;
  period_start: string | null;
  auto_replenish: boolean;
  replenish_amount: number | string | null;
  low_balance_threshold: number | string | null;
  is_active: boolean;
  is_suspended: boolean;
  created_at: string;
  updated_at: string;
}
