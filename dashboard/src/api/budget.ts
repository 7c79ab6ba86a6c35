// Wire shape of an end user's budget (USD numbers).
import type { Schemas } from './schemas';

export type BudgetPeriod = Schemas['Budget']['period'];

/** `remaining_usd = max_usd − used_usd − reserved_usd`. */
export type Budget = Schemas['Budget'];
