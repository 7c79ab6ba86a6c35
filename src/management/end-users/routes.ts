/**
 * End users (spec §3). Create is idempotent on `external_id`: 201 the first time, then 200 with the same
 * user and a freshly issued key (earlier keys stay valid). A default budget comes from platform settings.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audited, diffChanges, writeAudit } from '../../audit/index.js';
import { openBudget } from '../../billing/budgets.js';
import { parseUsd } from '../../billing/money.js';
import { type AppContext, nowIso } from '../../context.js';
import { uuidv7 } from '../../crypto/ids.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { isUniqueViolation } from '../../store/errors.js';
import type { EndUsersTable } from '../../store/schema.js';
import { issuedKeyView, issueKey } from '../api-keys/service.js';
import { getPlatformOr404 } from '../platforms/service.js';
import { ApiKey, CreatedApiKey, CreatedEndUser, dataOf, EndUser, noContent, pageOf, withErrors } from '../responses.js';
import { boundedObject, expiresAt } from '../schemas.js';
import { apiKeyView, endUserView, parseJsonObject } from '../views.js';

const tags = ['End users'];
const userParams = z.object({ platformId: z.string(), endUserId: z.string() });

/**
 * external_id is the platform's own user id, compared as text: NFC and NFD spellings of one string are one
 * user (normalised to NFC on write and on lookup), and a lone surrogate, which UTF-8 cannot store, is refused.
 */
const externalId = z
  .string()
  .min(1)
  .max(255)
  .refine((v) => !/\p{Cs}/u.test(v), 'must be valid Unicode text (it contains a lone surrogate)')
  .transform((v) => v.normalize('NFC'));

export async function getEndUserOr404(ctx: AppContext, platformId: string, endUserId: string): Promise<EndUsersTable> {
  const row = await ctx.store.db
    .selectFrom('end_users')
    .selectAll()
    .where('platform_id', '=', platformId)
    .where('id', '=', endUserId)
    .executeTakeFirst();
  if (!row) throw errors.notFound('End user');
  return row;
}

export function registerEndUserRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  app.get(
    '/end-users',
    {
      schema: {
        tags,
        summary: 'List end users',
        querystring: pageQuery.extend({ external_id: externalId.optional() }),
        response: withErrors({ 200: pageOf(EndUser) }),
      },
    },
    async (req) => {
      let q = db.selectFrom('end_users').where('platform_id', '=', platformIdOf(req));
      if (req.query.external_id !== undefined) q = q.where('external_id', '=', req.query.external_id);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), endUserView);
    },
  );

  app.post(
    '/end-users',
    {
      schema: {
        tags,
        summary: 'Create an end user, or get the existing one by external_id, with a new API key',
        body: z
          .object({
            external_id: externalId,
            display_name: z.string().max(255).nullable().optional(),
            metadata: boundedObject(16 * 1024).optional(),
          })
          .strict(),
        response: withErrors({ 200: dataOf(CreatedEndUser), 201: dataOf(CreatedEndUser) }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const b = req.body;
      const now = nowIso(ctx);
      const platform = await getPlatformOr404(ctx, platformId);
      const defaultBudget = parseJsonObject(platform.settings).default_budget_usd;
      const parsedDefault = defaultBudget === undefined || defaultBudget === null ? null : parseUsd(defaultBudget, 'positive');

      const createOrReissue = () =>
        db.transaction().execute(async (trx) => {
          const existing = await trx
            .selectFrom('end_users')
            .selectAll()
            .where('platform_id', '=', platformId)
            .where('external_id', '=', b.external_id)
            .executeTakeFirst();
          if (existing) {
            const key = await issueKey(trx, { kind: 'end_user', platformId, endUserId: existing.id, nowIso: now });
            await writeAudit(ctx, trx, req, {
              action: 'api_key.create',
              resourceType: 'api_key',
              resourceId: key.row.id,
              changes: diffChanges(null, apiKeyView(key.row)),
            });
            return { user: existing, key, created: false };
          }
          const user: EndUsersTable = {
            id: uuidv7(),
            platform_id: platformId,
            external_id: b.external_id,
            display_name: b.display_name ?? null,
            metadata: JSON.stringify(b.metadata ?? {}),
            is_active: 1,
            created_at: now,
            updated_at: now,
          };
          await trx.insertInto('end_users').values(user).execute();
          const key = await issueKey(trx, { kind: 'end_user', platformId, endUserId: user.id, nowIso: now });
          if (parsedDefault?.ok) {
            await openBudget(trx, { platformId, endUserId: user.id, maxMicros: parsedDefault.micros, period: 'monthly', nowIso: now });
          }
          await writeAudit(ctx, trx, req, {
            action: 'end_user.create',
            resourceType: 'end_user',
            resourceId: user.id,
            changes: diffChanges(null, { ...endUserView(user), key_prefix: key.row.key_prefix, default_budget_usd: defaultBudget ?? null }),
          });
          return { user, key, created: true };
        });
      // Two concurrent creates of one external_id: the loser of the insert race re-reads the winner's user.
      const result = await createOrReissue().catch((err) => {
        if (isUniqueViolation(err)) return createOrReissue();
        throw err;
      });
      return reply.code(result.created ? 201 : 200).send({ data: { ...endUserView(result.user), api_key: issuedKeyView(result.key) } });
    },
  );

  app.get(
    '/end-users/:endUserId',
    { schema: { tags, summary: 'Get an end user', params: userParams, response: withErrors({ 200: dataOf(EndUser) }) } },
    async (req) => ({
      data: endUserView(await getEndUserOr404(ctx, platformIdOf(req), req.params.endUserId)),
    }),
  );

  app.patch(
    '/end-users/:endUserId',
    {
      schema: {
        tags,
        summary: 'Rename, replace metadata, or (de)activate an end user',
        params: userParams,
        body: z
          .object({
            display_name: z.string().max(255).nullable().optional(),
            metadata: boundedObject(16 * 1024).optional(),
            is_active: z.boolean().optional(),
          })
          .strict(),
        response: withErrors({ 200: dataOf(EndUser) }),
      },
    },
    async (req) => {
      const b = req.body;
      const row = await audited(ctx, req, async (trx) => {
        const before = await trx
          .selectFrom('end_users')
          .selectAll()
          .where('platform_id', '=', platformIdOf(req))
          .where('id', '=', req.params.endUserId)
          .executeTakeFirst();
        if (!before) throw errors.notFound('End user');
        const after = await trx
          .updateTable('end_users')
          .set({
            ...(b.display_name !== undefined && { display_name: b.display_name }),
            ...(b.metadata !== undefined && { metadata: JSON.stringify(b.metadata) }),
            ...(b.is_active !== undefined && { is_active: b.is_active ? 1 : 0 }),
            updated_at: nowIso(ctx),
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diffChanges(endUserView(before), endUserView(after));
        return { result: after, audit: { action: 'end_user.update', resourceType: 'end_user', resourceId: after.id, changes } };
      });
      if (b.is_active !== undefined) ctx.auth.invalidateAll();
      return { data: endUserView(row) };
    },
  );

  app.delete(
    '/end-users/:endUserId',
    {
      schema: {
        tags,
        summary: 'Delete an end user (keys revoked; logs and ledger kept)',
        params: userParams,
        response: withErrors({ 204: noContent }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const user = await getEndUserOr404(ctx, platformId, req.params.endUserId);
      await audited(ctx, req, async (trx) => {
        await trx
          .updateTable('api_keys')
          .set({ is_active: 0 })
          .where('platform_id', '=', platformId)
          .where('end_user_id', '=', req.params.endUserId)
          .execute();
        await trx.deleteFrom('rate_limits').where('platform_id', '=', platformId).where('end_user_id', '=', req.params.endUserId).execute();
        await trx.deleteFrom('end_users').where('platform_id', '=', platformId).where('id', '=', req.params.endUserId).execute();
        const changes = diffChanges(endUserView(user), null);
        return { result: null, audit: { action: 'end_user.delete', resourceType: 'end_user', resourceId: user.id, changes } };
      });
      ctx.auth.invalidateAll();
      return reply.code(204).send();
    },
  );

  app.get(
    '/end-users/:endUserId/api-keys',
    {
      schema: {
        tags,
        summary: "List an end user's keys",
        params: userParams,
        querystring: pageQuery,
        response: withErrors({ 200: pageOf(ApiKey) }),
      },
    },
    async (req) => {
      await getEndUserOr404(ctx, platformIdOf(req), req.params.endUserId);
      const q = db.selectFrom('api_keys').where('platform_id', '=', platformIdOf(req)).where('end_user_id', '=', req.params.endUserId);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), apiKeyView);
    },
  );

  app.post(
    '/end-users/:endUserId/api-keys',
    {
      schema: {
        tags,
        summary: 'Issue another key for an end user (the raw key is returned once)',
        params: userParams,
        body: z
          .object({ name: z.string().trim().max(255).optional(), expires_at: expiresAt.nullable().optional() })
          .strict()
          .nullish(),
        response: withErrors({ 201: dataOf(CreatedApiKey) }),
      },
    },
    async (req, reply) => {
      const user = await getEndUserOr404(ctx, platformIdOf(req), req.params.endUserId);
      const issued = await audited(ctx, req, async (trx) => {
        const key = await issueKey(trx, {
          kind: 'end_user',
          platformId: user.platform_id,
          endUserId: user.id,
          name: req.body?.name ?? null,
          expiresAt: req.body?.expires_at ?? null,
          nowIso: nowIso(ctx),
        });
        const changes = diffChanges(null, apiKeyView(key.row));
        return { result: key, audit: { action: 'api_key.create', resourceType: 'api_key', resourceId: key.row.id, changes } };
      });
      return reply.code(201).send({ data: { ...apiKeyView(issued.row), raw_key: issued.rawKey } });
    },
  );
}
