/** Response schemas of end-user budgets (spec §3, §4 `GET /v1/me/budget`): USD numbers. */
import { z } from 'zod';
import { timestamp, usd } from '../responses.js';

/** remaining_usd = max − used − reserved (reserved: what requests in flight hold). */
export const Budget = z
  .object({
    id: z.string(),
    platform_id: z.string(),
    end_user_id: z.string(),
    max_usd: usd,
    used_usd: usd,
    reserved_usd: usd,
    remaining_usd: usd,
    period: z.enum(['one_time', 'daily', 'monthly']),
    period_start: timestamp,
    auto_replenish: z.boolean(),
    replenish_amount: usd.nullable(),
    low_balance_threshold: usd.nullable(),
    is_active: z.boolean(),
    is_suspended: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Budget' });

/** One ledger row; remaining_usd_after = max − used after it. */
export const BudgetTransaction = z
  .object({
    id: z.string(),
    budget_id: z.string(),
    type: z.enum(['opening', 'top_up', 'debit', 'usage', 'reset', 'replenish', 'suspend', 'unsuspend', 'adjustment']),
    amount: usd,
    max_usd_after: usd,
    used_usd_after: usd,
    remaining_usd_after: usd,
    reason: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    request_id: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'BudgetTransaction' });

/** A top-up or debit: its ledger row and the budget after it. */
export const BudgetMovement = z.object({ transaction: BudgetTransaction, budget: Budget }).meta({ id: 'BudgetMovement' });
