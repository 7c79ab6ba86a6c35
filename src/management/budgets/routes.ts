/**
 * End-user budgets (spec §3) and `GET /v1/me/budget` (spec §4). Every money movement is a ledger row;
 * top-up and debit honour Idempotency-Key through the platform scope's idempotency hooks.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openBudget } from '../../billing/budgets.js';
import type { AppContext } from '../../context.js';
import { nowIso } from '../../context.js';
import { ApiError, errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { isUniqueViolation } from '../../store/errors.js';
import type { BudgetsTable } from '../../store/schema.js';
import { getEndUserOr404 } from '../end-users/routes.js';
import { boundedObject, usdAmount } from '../schemas.js';
import { moveBudget, patchBudget, withBudget } from './service.js';
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

/** The budget as it stands, counting what the engine holds in memory for requests in flight (SQLite). */
const heldBudgetView = (ctx: AppContext, b: BudgetsTable) => budgetView(b, ctx.billing.heldForBudget(b.id));

export function registerBudgetRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;
  const view = (b: BudgetsTable) => heldBudgetView(ctx, b);

  app.post(
    '/end-users/:endUserId/budget',
    { schema: { tags, summary: "Open an end user's budget", params, body: createBody } },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      const b = req.body;
      try {
        const budget = await db.transaction().execute((trx) =>
          openBudget(trx, {
            platformId,
            endUserId: req.params.endUserId,
            maxMicros: b.max_usd,
            period: b.period,
            autoReplenish: b.auto_replenish,
            replenishAmountMicros: b.replenish_amount ?? null,
            lowBalanceThresholdMicros: b.low_balance_threshold ?? null,
            nowIso: nowIso(ctx),
          }),
        );
        return reply.code(201).send({ data: budgetView(budget) });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.conflict('This end user already has a budget: change it with PATCH, or DELETE it first.');
        throw err;
      }
    },
  );

  app.get('/end-users/:endUserId/budget', { schema: { tags, summary: "Get an end user's budget", params } }, async (req) => ({
    data: await withBudget(ctx, platformIdOf(req), req.params.endUserId, async (_trx, budget) => view(budget)),
  }));

  app.patch(
    '/end-users/:endUserId/budget',
    { schema: { tags, summary: 'Change limits, period, replenishment or suspension', params, body: patchBody } },
    async (req) => ({
      data: view(await patchBudget(ctx, platformIdOf(req), req.params.endUserId, req.body)),
    }),
  );

  app.delete(
    '/end-users/:endUserId/budget',
    { schema: { tags, summary: 'Delete the budget (the user is then bounded by the wallet only)', params } },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      const deleted = await db
        .deleteFrom('budgets')
        .where('platform_id', '=', platformId)
        .where('end_user_id', '=', req.params.endUserId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw errors.notFound('Budget');
      return reply.code(204).send();
    },
  );

  for (const [path, type, summary] of [
    ['topup', 'top_up', 'Raise max_usd (a top-up)'],
    ['debit', 'debit', 'Raise used_usd (a manual charge)'],
  ] as const) {
    app.post(`/end-users/:endUserId/budget/${path}`, { schema: { tags, summary, params, body: moveBody } }, async (req, reply) => {
      const moved = await moveBudget(ctx, platformIdOf(req), req.params.endUserId, {
        type,
        amountMicros: req.body.amount,
        reason: req.body.reason ?? null,
        metadata: req.body.metadata,
      });
      return reply.code(201).send({ data: { transaction: budgetTransactionView(moved.transaction), budget: view(moved.budget) } });
    });
  }

  app.get(
    '/end-users/:endUserId/budget/transactions',
    {
      schema: {
        tags,
        summary: "The end user's budget ledger, newest first (rows of deleted budgets included)",
        params,
        querystring: pageQuery,
      },
    },
    async (req) => {
      // The ledger is the end user's, not one budget row's: deleting or replacing a budget keeps its history readable.
      const platformId = platformIdOf(req);
      await getEndUserOr404(ctx, platformId, req.params.endUserId);
      // A due period reset of the current budget (if any) is written first, so the list shows it as GET …/budget would.
      await withBudget(ctx, platformId, req.params.endUserId, async () => undefined).catch((err: unknown) => {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      });
      const q = db.selectFrom('budget_transactions').where('platform_id', '=', platformId).where('end_user_id', '=', req.params.endUserId);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), budgetTransactionView);
    },
  );
}

/** `GET /v1/me/budget`: the caller's own budget, also when suspended; 404 when there is none. */
export function registerMeBudgetRoutes(scope: FastifyInstance, ctx: AppContext) {
  scope.get('/budget', { schema: { tags: ['Self-service'], summary: 'My budget (end-user key)' } }, async (req) => {
    const p = req.principal;
    if (p?.kind !== 'end_user') throw errors.forbidden('This route needs an end-user key.');
    return {
      data: await withBudget(ctx, p.platformId, p.endUserId, async (_trx, budget) => heldBudgetView(ctx, budget)),
    };
  });
}
