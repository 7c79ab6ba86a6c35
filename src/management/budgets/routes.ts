/**
 * End-user budgets (spec §3) and `GET /v1/me/budget` (spec §4): HTTP and validation only. Billing moves the
 * money (billing/budget-movements.ts), one ledger row per movement; top-up and debit honour Idempotency-Key
 * through the platform scope's idempotency hooks.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditIn, budgetState, diffChanges } from '../../audit/index.js';
import type { BudgetBalance } from '../../billing/balances.js';
import type { BudgetChanged, BudgetMoved } from '../../billing/budget-movements.js';
import { microsToFixed } from '../../billing/money.js';
import type { AppContext } from '../../context.js';
import { ApiError, errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { wakeWebhookWorker } from '../../webhooks/index.js';
import { getEndUserOr404 } from '../end-users/routes.js';
import { dataOf, noContent, pageOf, withErrors } from '../responses.js';
import { boundedObject, usdAmount } from '../schemas.js';
import { Budget, BudgetMovement, BudgetTransaction } from './responses.js';
import { budgetTransactionView, budgetView } from './views.js';

const tags = ['Budgets'];
const params = z.object({ platformId: z.string(), endUserId: z.string() });
const period = z.enum(['one_time', 'daily', 'monthly']);

const createBody = z
  .object({
    max_usd: usdAmount('positive'),
    period: period.default('one_time'),
    auto_replenish: z.boolean().default(false),
    replenish_amount: usdAmount('positive').nullable().optional(),
    low_balance_threshold: usdAmount('non_negative').nullable().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.auto_replenish && !b.replenish_amount) {
      ctx.addIssue({ code: 'custom', path: ['replenish_amount'], message: 'is required when auto_replenish is true' });
    }
  });

const patchBody = z
  .object({
    max_usd: usdAmount('positive').optional(),
    period: period.optional(),
    auto_replenish: z.boolean().optional(),
    replenish_amount: usdAmount('positive').nullable().optional(),
    low_balance_threshold: usdAmount('non_negative').nullable().optional(),
    is_suspended: z.boolean().optional(),
    is_active: z.boolean().optional(),
  })
  .strict();

const moveBody = z
  .object({ amount: usdAmount('positive'), reason: z.string().trim().max(1000).optional(), metadata: boundedObject(16 * 1024).optional() })
  .strict();

/** The end user's budget as billing reads it (its due period reset written first); 404 when there is none. */
async function budgetOr404(ctx: AppContext, platformId: string, endUserId: string): Promise<BudgetBalance> {
  const { budget } = await ctx.billing.balances({ platformId, endUserId });
  if (!budget) throw errors.notFound('Budget');
  return budget;
}

/** Billing's refusals of a budget movement, as the spec's errors. */
function refusal(r: Extract<BudgetMoved | BudgetChanged, { ok: false }>): never {
  switch (r.code) {
    case 'budget_not_found':
      throw errors.notFound('Budget');
    case 'budget_exhausted':
      throw new ApiError(
        402,
        'budget_exhausted',
        `The budget has ${microsToFixed(r.availableMicros)} USD remaining (after reservations): it cannot be debited ${microsToFixed(r.amountMicros)} USD.`,
      );
    case 'replenish_amount_required':
      throw errors.validation('replenish_amount', 'replenish_amount is required when auto_replenish is true.');
    case 'max_below_committed':
      throw errors.conflict(
        `max_usd cannot go below what is used and reserved (${microsToFixed(r.committedMicros)} USD); suspend the budget to stop spending at once.`,
      );
    default: {
      const unknown: never = r;
      throw new Error(`unknown budget refusal ${JSON.stringify(unknown)}`);
    }
  }
}

export function registerBudgetRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  app.post(
    '/end-users/:endUserId/budget',
    { schema: { tags, summary: "Open an end user's budget", params, body: createBody, response: withErrors({ 201: dataOf(Budget) }) } },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      const b = req.body;
      const opened = await ctx.billing.openBudget(
        {
          platformId,
          endUserId: req.params.endUserId,
          maxMicros: b.max_usd,
          period: b.period,
          autoReplenish: b.auto_replenish,
          replenishAmountMicros: b.replenish_amount ?? null,
          lowBalanceThresholdMicros: b.low_balance_threshold ?? null,
        },
        auditIn(ctx, req, (budget) => ({
          action: 'budget.create',
          resourceType: 'budget',
          resourceId: budget.id,
          changes: diffChanges(null, budgetState(budget)),
        })),
      );
      if (!opened.ok) throw errors.conflict('This end user already has a budget: change it with PATCH, or DELETE it first.');
      return reply.code(201).send({ data: budgetView(opened.budget) });
    },
  );

  app.get(
    '/end-users/:endUserId/budget',
    { schema: { tags, summary: "Get an end user's budget", params, response: withErrors({ 200: dataOf(Budget) }) } },
    async (req) => {
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      return { data: budgetView(await budgetOr404(ctx, platformId, req.params.endUserId)) };
    },
  );

  app.patch(
    '/end-users/:endUserId/budget',
    {
      schema: {
        tags,
        summary: 'Change limits, period, replenishment or suspension',
        params,
        body: patchBody,
        response: withErrors({ 200: dataOf(Budget) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      const changed = await ctx.billing.changeBudget(
        platformId,
        req.params.endUserId,
        req.body,
        auditIn(ctx, req, ({ before, after }) => ({
          action: 'budget.update',
          resourceType: 'budget',
          resourceId: after.id,
          changes: diffChanges(budgetState(before), budgetState(after)),
        })),
      );
      if (!changed.ok) refusal(changed);
      wakeWebhookWorker(ctx);
      return { data: budgetView(changed.budget) };
    },
  );

  app.delete(
    '/end-users/:endUserId/budget',
    {
      schema: {
        tags,
        summary: 'Delete the budget (the user is then bounded by the wallet only)',
        params,
        response: withErrors({ 204: noContent }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      const deleted = await ctx.billing.deleteBudget(
        platformId,
        req.params.endUserId,
        auditIn(ctx, req, (budget) => ({
          action: 'budget.delete',
          resourceType: 'budget',
          resourceId: budget.id,
          changes: diffChanges(budgetState(budget), null),
        })),
      );
      if (!deleted) throw errors.notFound('Budget');
      return reply.code(204).send();
    },
  );

  for (const [path, type, summary] of [
    ['topup', 'top_up', 'Raise max_usd (a top-up)'],
    ['debit', 'debit', 'Raise used_usd (a manual charge)'],
  ] as const) {
    app.post(
      `/end-users/:endUserId/budget/${path}`,
      { schema: { tags, summary, params, body: moveBody, response: withErrors({ 201: dataOf(BudgetMovement) }) } },
      async (req, reply) => {
        const platformId = platformIdOf(req);
        await getEndUserOr404(ctx, platformId, req.params.endUserId);
        const moved = await ctx.billing.moveBudget(
          platformId,
          req.params.endUserId,
          { type, amountMicros: req.body.amount, reason: req.body.reason ?? null, metadata: req.body.metadata },
          auditIn(ctx, req, ({ before, after }) => ({
            action: `budget.${path}`,
            resourceType: 'budget',
            resourceId: after.id,
            changes: diffChanges(budgetState(before), budgetState(after)),
          })),
        );
        if (!moved.ok) refusal(moved);
        wakeWebhookWorker(ctx);
        return reply.code(201).send({ data: { transaction: budgetTransactionView(moved.transaction), budget: budgetView(moved.budget) } });
      },
    );
  }

  app.get(
    '/end-users/:endUserId/budget/transactions',
    {
      schema: {
        tags,
        summary: "The end user's budget ledger, newest first (rows of deleted budgets included)",
        params,
        querystring: pageQuery,
        response: withErrors({ 200: pageOf(BudgetTransaction) }),
      },
    },
    async (req) => {
      // The ledger is the end user's, not one budget row's: deleting or replacing a budget keeps its history readable.
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      // Reading the balances writes a due period reset of the current budget (if any) first, so the list shows it as GET …/budget would.
      await ctx.billing.balances({ platformId, endUserId: req.params.endUserId });
      const q = db.selectFrom('budget_transactions').where('platform_id', '=', platformId).where('end_user_id', '=', req.params.endUserId);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), budgetTransactionView);
    },
  );
}

/** `GET /v1/me/budget`: the caller's own budget, also when suspended; 404 when there is none. */
export function registerMeBudgetRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/budget',
    { schema: { tags: ['Self-service'], summary: 'My budget (end-user key)', response: withErrors({ 200: dataOf(Budget) }) } },
    async (req) => {
      const p = req.principal;
      if (p?.kind !== 'end_user') throw errors.forbidden('This route needs an end-user key.');
      await getEndUserOr404(ctx, p.platformId, p.endUserId);
      return { data: budgetView(await budgetOr404(ctx, p.platformId, p.endUserId)) };
    },
  );
}
