/** The platform wallet (spec §3): balance, reserved and available; top-ups; the transaction ledger. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audited, auditIn, diffChanges, walletState } from '../../audit/index.js';
import type { WalletBalance } from '../../billing/balances.js';
import { microsToUsd } from '../../billing/money.js';
import { type AppContext, nowIso } from '../../context.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { wakeWebhookWorker } from '../../webhooks/index.js';
import { dataOf, pageOf, Wallet, WalletTopUp, WalletTransaction, WalletWithRecent, withErrors } from '../responses.js';
import { usdAmount } from '../schemas.js';
import { walletTransactionView, walletView } from '../views.js';

const tags = ['Wallet'];

export function registerWalletRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  const walletOr404 = async (platformId: string): Promise<WalletBalance> => {
    const { wallet } = await ctx.billing.balances({ platformId });
    if (!wallet) throw errors.notFound('Wallet');
    return wallet;
  };

  app.get(
    '/wallet',
    { schema: { tags, summary: 'Get the wallet with its 5 newest transactions', response: withErrors({ 200: dataOf(WalletWithRecent) }) } },
    async (req) => {
      const platformId = platformIdOf(req);
      const wallet = await walletOr404(platformId);
      const recent = await db
        .selectFrom('wallet_transactions')
        .selectAll()
        .where('wallet_id', '=', wallet.id)
        .orderBy('id', 'desc')
        .limit(5)
        .execute();
      return { data: { ...walletView(wallet), recent_transactions: recent.map(walletTransactionView) } };
    },
  );

  app.patch(
    '/wallet',
    {
      schema: {
        tags,
        summary: 'Set the low-balance threshold',
        body: z.object({ low_balance_threshold: usdAmount('non_negative').nullable() }).strict(),
        response: withErrors({ 200: dataOf(Wallet) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      await audited(ctx, req, async (trx) => {
        const before = await trx.selectFrom('wallets').selectAll().where('platform_id', '=', platformId).executeTakeFirst();
        if (!before) throw errors.notFound('Wallet');
        const after = await trx
          .updateTable('wallets')
          .set({ low_balance_threshold_micros: req.body.low_balance_threshold, updated_at: nowIso(ctx) })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diffChanges(walletState(before), walletState(after));
        return { result: after, audit: { action: 'wallet.update', resourceType: 'wallet', resourceId: after.id, changes } };
      });
      return { data: walletView(await walletOr404(platformId)) };
    },
  );

  app.post(
    '/wallet/topup',
    {
      schema: {
        tags,
        summary: 'Top up the wallet',
        body: z.object({ amount: usdAmount('positive'), description: z.string().trim().max(1000).optional() }).strict(),
        response: withErrors({ 201: dataOf(WalletTopUp) }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const moved = await ctx.billing.moveWallet(
        {
          platformId,
          type: 'top_up',
          amountMicros: req.body.amount,
          description: req.body.description ?? null,
        },
        auditIn(ctx, req, ({ wallet, transaction }) => ({
          action: 'wallet.topup',
          resourceType: 'wallet',
          resourceId: wallet.id,
          changes: { balance: [microsToUsd(wallet.balance_micros - transaction.amount_micros), microsToUsd(wallet.balance_micros)] },
        })),
      );
      if (!moved) throw errors.notFound('Wallet');
      wakeWebhookWorker(ctx);
      return reply.code(201).send({ data: { transaction: walletTransactionView(moved.transaction), wallet: walletView(moved.wallet) } });
    },
  );

  app.get(
    '/wallet/transactions',
    {
      schema: {
        tags,
        summary: 'List wallet transactions, newest first',
        querystring: pageQuery.extend({ type: z.enum(['top_up', 'llm_usage', 'adjustment', 'refund']).optional() }),
        response: withErrors({ 200: pageOf(WalletTransaction) }),
      },
    },
    async (req) => {
      // By wallet, not platform: (wallet_id, id) is the ledger's index; there is none on platform_id.
      const wallet = await walletOr404(platformIdOf(req));
      let q = db.selectFrom('wallet_transactions').where('wallet_id', '=', wallet.id);
      if (req.query.type) q = q.where('type', '=', req.query.type);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), walletTransactionView);
    },
  );
}
