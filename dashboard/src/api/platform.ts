// Wire shape of a platform (spec §2–3).

/** Settings the gateway understands; other keys are kept as-is. */
export interface PlatformSettings {
  /** Percent added to the cost charged to end-user budgets (≥ 0). */
  markup_percentage?: number;
  /** USD; a monthly budget of this amount is created with each new end user. */
  default_budget_usd?: number;
  /** Up to 5 percentages of each budget's max_usd; a budget.low_balance webhook fires when remaining drops below each. */
  low_balance_thresholds?: number[] | null;
  [name: string]: unknown;
}

/** A tenant of the gateway. */
export interface Platform {
  id: string;
  name: string;
  slug: string | null;
  settings: PlatformSettings | null;
  is_active: boolean;
  created_at: string;
  updated_at?: string;
}
