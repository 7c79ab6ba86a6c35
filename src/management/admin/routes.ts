/** Operator API (spec §2): providers, model routes and prices, platforms, wallet adjustments. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audited, auditIn, diffChanges, writeAudit } from '../../audit/index.js';
import { microsToUsd } from '../../billing/money.js';
import { tiersColumn } from '../../billing/price-tiers.js';
import { tiersSchema, usdPerMtok } from '../../catalogue/route-prices.js';
import { type AppContext, nowIso } from '../../context.js';
import { uuidv7 } from '../../crypto/ids.js';
import { conflictOnUnique, errors } from '../../http/errors.js';
import { authenticate } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { issuedKeyView } from '../api-keys/service.js';
import { createPlatform, getPlatformOr404, platformCreatedAudit } from '../platforms/service.js';
import {
  CreatedPlatform,
  dataOf,
  ModelRoute,
  noContent,
  Platform,
  Provider,
  ProviderSummary,
  pageOf,
  WalletAdjustment,
  withErrors,
} from '../responses.js';
import { mergeSettings, platformSettings, slugSchema, usdAmount } from '../schemas.js';
import {
  modelRouteView,
  parseJsonObject,
  platformView,
  providerPublicView,
  providerView,
  walletTransactionView,
  walletView,
} from '../views.js';

const tags = ['Operator'];
const baseUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const providerKind = z.enum(['openai', 'anthropic', 'google']);
const idParam = (name: string) => z.object({ [name]: z.string() });

const providerNotFound = () =>
  errors.unknownReference('provider_id', 'No provider with this provider_id: list them with GET /v1/admin/providers.');

export function registerAdminRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const adminOnly = authenticate(ctx, ['admin']);
  const db = ctx.store.db;

  const changed = () => ctx.events.emit('catalogue.changed');

  // Providers
  app.get(
    '/providers',
    {
      onRequest: authenticate(ctx, ['admin', 'platform']),
      schema: {
        tags,
        summary: 'List providers',
        querystring: pageQuery,
        response: withErrors({ 200: z.union([pageOf(Provider), pageOf(ProviderSummary)]) }),
      },
    },
    async (req) => {
      const view = req.principal?.kind === 'admin' ? providerView : providerPublicView;
      return listPage(db.selectFrom('providers'), req.query, (q) => q.selectAll().orderBy('slug'), view);
    },
  );

  app.post(
    '/providers',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Add a provider (any OpenAI-compatible service is kind "openai")',
        body: z
          .object({
            slug: slugSchema,
            name: z.string().trim().min(1).max(255),
            kind: providerKind,
            base_url: baseUrl,
            is_active: z.boolean().optional(),
            supports_responses: z.boolean().optional(),
          })
          .strict(),
        response: withErrors({ 201: dataOf(Provider) }),
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (await db.selectFrom('providers').select('id').where('slug', '=', b.slug).executeTakeFirst()) {
        throw errors.conflict(`A provider with slug "${b.slug}" already exists.`);
      }
      const now = nowIso(ctx);
      const row = {
        id: uuidv7(),
        slug: b.slug,
        name: b.name,
        kind: b.kind,
        base_url: b.base_url,
        is_active: (b.is_active === false ? 0 : 1) as 0 | 1,
        supports_responses: (b.supports_responses === true ? 1 : 0) as 0 | 1,
        created_at: now,
        updated_at: now,
      };
      await audited(ctx, req, async (trx) => {
        await trx
          .insertInto('providers')
          .values(row)
          .execute()
          .catch(conflictOnUnique(`A provider with slug "${b.slug}" already exists.`));
        const changes = diffChanges(null, providerView(row));
        return { result: row, audit: { action: 'provider.create', resourceType: 'provider', resourceId: row.id, changes } };
      });
      changed();
      return reply.code(201).send({ data: providerView(row) });
    },
  );

  app.get(
    '/providers/:providerId',
    {
      onRequest: adminOnly,
      schema: { tags, summary: 'Get a provider', params: idParam('providerId'), response: withErrors({ 200: dataOf(Provider) }) },
    },
    async (req) => {
      const row = await db.selectFrom('providers').selectAll().where('id', '=', req.params.providerId).executeTakeFirst();
      if (!row) throw errors.notFound('Provider');
      return { data: providerView(row) };
    },
  );

  app.patch(
    '/providers/:providerId',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Edit a provider',
        params: idParam('providerId'),
        body: z
          .object({
            name: z.string().min(1).max(255).optional(),
            base_url: baseUrl.optional(),
            is_active: z.boolean().optional(),
            supports_responses: z.boolean().optional(),
          })
          .strict(),
        response: withErrors({ 200: dataOf(Provider) }),
      },
    },
    async (req) => {
      const b = req.body;
      const row = await audited(ctx, req, async (trx) => {
        const before = await trx.selectFrom('providers').selectAll().where('id', '=', req.params.providerId).executeTakeFirst();
        if (!before) throw errors.notFound('Provider');
        const after = await trx
          .updateTable('providers')
          .set({
            ...(b.name !== undefined && { name: b.name }),
            ...(b.base_url !== undefined && { base_url: b.base_url }),
            ...(b.is_active !== undefined && { is_active: b.is_active ? 1 : 0 }),
            ...(b.supports_responses !== undefined && { supports_responses: b.supports_responses ? 1 : 0 }),
            updated_at: nowIso(ctx),
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diffChanges(providerView(before), providerView(after));
        return { result: after, audit: { action: 'provider.update', resourceType: 'provider', resourceId: after.id, changes } };
      });
      changed();
      return { data: providerView(row) };
    },
  );

  // Model routes
  const modelBody = z.object({
    slug: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'must be letters, digits and . _ : / -'),
    provider_id: z.uuid(),
    provider_model_id: z.string().min(1).max(255).optional(),
    input_usd_per_mtok: usdPerMtok,
    output_usd_per_mtok: usdPerMtok,
    cached_input_usd_per_mtok: usdPerMtok.nullable().optional(),
    cache_write_usd_per_mtok: usdPerMtok.nullable().optional(),
    cache_write_1h_usd_per_mtok: usdPerMtok.nullable().optional(),
    tiers: tiersSchema.nullable().optional(),
    max_output_tokens: z.number().int().min(1).max(10_000_000),
    context_window: z.number().int().min(1).nullable().optional(),
    priority: z.number().int().min(0).max(1_000_000).optional(),
    is_enabled: z.boolean().optional(),
  });

  app.get(
    '/models',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'List model routes',
        querystring: pageQuery.extend({ provider_id: z.string().optional(), slug: z.string().optional() }),
        response: withErrors({ 200: pageOf(ModelRoute) }),
      },
    },
    async (req) => {
      let q = db.selectFrom('model_routes');
      if (req.query.provider_id) q = q.where('provider_id', '=', req.query.provider_id);
      if (req.query.slug) q = q.where('slug', '=', req.query.slug);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('slug').orderBy('priority'), modelRouteView);
    },
  );

  app.get(
    '/models/:modelId',
    {
      onRequest: adminOnly,
      schema: { tags, summary: 'Get a model route', params: idParam('modelId'), response: withErrors({ 200: dataOf(ModelRoute) }) },
    },
    async (req) => {
      const row = await db.selectFrom('model_routes').selectAll().where('id', '=', req.params.modelId).executeTakeFirst();
      if (!row) throw errors.notFound('Model route');
      return { data: modelRouteView(row) };
    },
  );

  app.post(
    '/models',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Add a model route with prices',
        body: modelBody.strict(),
        response: withErrors({ 201: dataOf(ModelRoute) }),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const provider = await db.selectFrom('providers').select('id').where('id', '=', b.provider_id).executeTakeFirst();
      if (!provider) throw providerNotFound();
      const now = nowIso(ctx);
      const row = {
        id: uuidv7(),
        slug: b.slug,
        provider_id: b.provider_id,
        provider_model_id: b.provider_model_id ?? b.slug,
        input_micros_per_mtok: b.input_usd_per_mtok,
        output_micros_per_mtok: b.output_usd_per_mtok,
        cached_input_micros_per_mtok: b.cached_input_usd_per_mtok ?? null,
        cache_write_micros_per_mtok: b.cache_write_usd_per_mtok ?? null,
        cache_write_1h_micros_per_mtok: b.cache_write_1h_usd_per_mtok ?? null,
        tiers: tiersColumn(b.tiers),
        max_output_tokens: b.max_output_tokens,
        context_window: b.context_window ?? null,
        priority: b.priority ?? 100,
        is_enabled: (b.is_enabled === false ? 0 : 1) as 0 | 1,
        created_at: now,
        updated_at: now,
      };
      const dup = await db
        .selectFrom('model_routes')
        .select('id')
        .where('provider_id', '=', row.provider_id)
        .where('slug', '=', row.slug)
        .where('provider_model_id', '=', row.provider_model_id)
        .executeTakeFirst();
      if (dup) throw errors.conflict('This provider already has a route for this slug and upstream model.');
      await audited(ctx, req, async (trx) => {
        await trx
          .insertInto('model_routes')
          .values(row)
          .execute()
          .catch(conflictOnUnique('This provider already has a route for this slug and upstream model.'));
        const changes = diffChanges(null, modelRouteView(row));
        return { result: row, audit: { action: 'model_route.create', resourceType: 'model_route', resourceId: row.id, changes } };
      });
      changed();
      return reply.code(201).send({ data: modelRouteView(row) });
    },
  );

  app.patch(
    '/models/:modelId',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Edit a model route',
        params: idParam('modelId'),
        body: modelBody.omit({ provider_id: true }).partial().strict(),
        response: withErrors({ 200: dataOf(ModelRoute) }),
      },
    },
    async (req) => {
      const b = req.body;
      const row = await audited(ctx, req, async (trx) => {
        const before = await trx.selectFrom('model_routes').selectAll().where('id', '=', req.params.modelId).executeTakeFirst();
        if (!before) throw errors.notFound('Model route');
        const after = await trx
          .updateTable('model_routes')
          .set({
            ...(b.slug !== undefined && { slug: b.slug }),
            ...(b.provider_model_id !== undefined && { provider_model_id: b.provider_model_id }),
            ...(b.input_usd_per_mtok !== undefined && { input_micros_per_mtok: b.input_usd_per_mtok }),
            ...(b.output_usd_per_mtok !== undefined && { output_micros_per_mtok: b.output_usd_per_mtok }),
            ...(b.cached_input_usd_per_mtok !== undefined && { cached_input_micros_per_mtok: b.cached_input_usd_per_mtok }),
            ...(b.cache_write_usd_per_mtok !== undefined && { cache_write_micros_per_mtok: b.cache_write_usd_per_mtok }),
            ...(b.cache_write_1h_usd_per_mtok !== undefined && { cache_write_1h_micros_per_mtok: b.cache_write_1h_usd_per_mtok }),
            ...(b.tiers !== undefined && { tiers: tiersColumn(b.tiers) }),
            ...(b.max_output_tokens !== undefined && { max_output_tokens: b.max_output_tokens }),
            ...(b.context_window !== undefined && { context_window: b.context_window }),
            ...(b.priority !== undefined && { priority: b.priority }),
            ...(b.is_enabled !== undefined && { is_enabled: b.is_enabled ? 1 : 0 }),
            updated_at: nowIso(ctx),
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch(conflictOnUnique('This provider already has a route for this slug and upstream model.'));
        const changes = diffChanges(modelRouteView(before), modelRouteView(after));
        return { result: after, audit: { action: 'model_route.update', resourceType: 'model_route', resourceId: after.id, changes } };
      });
      changed();
      return { data: modelRouteView(row) };
    },
  );

  app.delete(
    '/models/:modelId',
    {
      onRequest: adminOnly,
      schema: { tags, summary: 'Delete a model route', params: idParam('modelId'), response: withErrors({ 204: noContent }) },
    },
    async (req, reply) => {
      await audited(ctx, req, async (trx) => {
        const before = await trx.deleteFrom('model_routes').where('id', '=', req.params.modelId).returningAll().executeTakeFirst();
        if (!before) throw errors.notFound('Model route');
        const changes = diffChanges(modelRouteView(before), null);
        return { result: before, audit: { action: 'model_route.delete', resourceType: 'model_route', resourceId: before.id, changes } };
      });
      changed();
      return reply.code(204).send();
    },
  );

  // Platforms
  app.post(
    '/platforms',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Create a platform (returns its first platform key once)',
        body: z
          .object({ name: z.string().trim().min(1).max(255), slug: slugSchema.optional(), settings: platformSettings.optional() })
          .strict(),
        response: withErrors({ 201: dataOf(CreatedPlatform) }),
      },
    },
    async (req, reply) => {
      const { platform, key } = await createPlatform(ctx, req.body, (trx, created) =>
        writeAudit(ctx, trx, req, platformCreatedAudit(created)),
      );
      return reply.code(201).send({ data: { ...platformView(platform), api_key: issuedKeyView(key) } });
    },
  );

  app.get(
    '/platforms',
    {
      onRequest: adminOnly,
      schema: { tags, summary: 'List platforms', querystring: pageQuery, response: withErrors({ 200: pageOf(Platform) }) },
    },
    async (req) => {
      return listPage(db.selectFrom('platforms'), req.query, (q) => q.selectAll().orderBy('id', 'desc'), platformView);
    },
  );

  app.get(
    '/platforms/:platformId',
    {
      onRequest: adminOnly,
      schema: { tags, summary: 'Get a platform', params: idParam('platformId'), response: withErrors({ 200: dataOf(Platform) }) },
    },
    async (req) => {
      return { data: platformView(await getPlatformOr404(ctx, req.params.platformId)) };
    },
  );

  app.patch(
    '/platforms/:platformId',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Suspend, rename or configure a platform',
        params: idParam('platformId'),
        body: z
          .object({
            is_active: z.boolean().optional(),
            name: z.string().trim().min(1).max(255).optional(),
            settings: platformSettings.optional(),
          })
          .strict(),
        response: withErrors({ 200: dataOf(Platform) }),
      },
    },
    async (req) => {
      const current = await getPlatformOr404(ctx, req.params.platformId);
      const b = req.body;
      const settings = b.settings ? mergeSettings(parseJsonObject(current.settings), b.settings) : undefined;
      const row = await audited(ctx, req, async (trx) => {
        const after = await trx
          .updateTable('platforms')
          .set({
            ...(b.is_active !== undefined && { is_active: b.is_active ? 1 : 0 }),
            ...(b.name !== undefined && { name: b.name }),
            ...(settings && { settings: JSON.stringify(settings) }),
            updated_at: nowIso(ctx),
          })
          .where('id', '=', current.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diffChanges(platformView(current), platformView(after));
        const audit = { action: 'platform.update', resourceType: 'platform', resourceId: after.id, platformId: after.id, changes };
        return { result: after, audit };
      });
      ctx.auth.invalidateAll();
      ctx.events.emit('platform.changed', row.id);
      return { data: platformView(row) };
    },
  );

  app.post(
    '/platforms/:platformId/wallet/adjustments',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Adjust a platform wallet (amount may be negative)',
        params: idParam('platformId'),
        body: z.object({ amount: usdAmount('non_zero'), description: z.string().trim().min(1).max(1000) }).strict(),
        response: withErrors({ 201: dataOf(WalletAdjustment) }),
      },
    },
    async (req, reply) => {
      await getPlatformOr404(ctx, req.params.platformId);
      // A negative adjustment keeps what requests in flight hold covered (billing counts its in-memory holds).
      const moved = await ctx.billing.moveWallet(
        { platformId: req.params.platformId, type: 'adjustment', amountMicros: req.body.amount, description: req.body.description },
        auditIn(ctx, req, ({ wallet, transaction }) => ({
          action: 'wallet.adjust',
          resourceType: 'wallet',
          resourceId: wallet.id,
          platformId: wallet.platform_id,
          changes: { balance: [microsToUsd(wallet.balance_micros - transaction.amount_micros), microsToUsd(wallet.balance_micros)] },
        })),
      );
      if (!moved)
        throw errors.validation('amount', 'This adjustment would take the wallet below the amount reserved by in-flight requests.');
      return reply.code(201).send({
        data: {
          ...walletTransactionView(moved.transaction),
          wallet: walletView(moved.wallet),
        },
      });
    },
  );
}
