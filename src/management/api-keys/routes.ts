/** Platform API keys (spec §3): several active at once for rotation; revocation is immediate. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audited, diffChanges } from '../../audit/index.js';
import { type AppContext, nowIso } from '../../context.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { ApiKey, CreatedApiKey, dataOf, noContent, pageOf, withErrors } from '../responses.js';
import { expiresAt, platformParams } from '../schemas.js';
import { apiKeyView } from '../views.js';
import { issueKey } from './service.js';

const tags = ['API keys'];

export function registerApiKeyRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'List API keys (platform keys by default; type=end_user for end-user keys)',
        querystring: pageQuery.extend({ type: z.enum(['platform', 'end_user']).default('platform'), end_user_id: z.uuid().optional() }),
        response: withErrors({ 200: pageOf(ApiKey) }),
      },
    },
    async (req) => {
      let q = db.selectFrom('api_keys').where('platform_id', '=', platformIdOf(req)).where('kind', '=', req.query.type);
      if (req.query.end_user_id) q = q.where('end_user_id', '=', req.query.end_user_id);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), apiKeyView);
    },
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'Create a platform API key (the raw key is returned once)',
        body: z
          .object({ name: z.string().trim().max(255).optional(), expires_at: expiresAt.nullable().optional() })
          .strict()
          .nullish(),
        response: withErrors({ 201: dataOf(CreatedApiKey) }),
      },
    },
    async (req, reply) => {
      const issued = await audited(ctx, req, async (trx) => {
        const key = await issueKey(trx, {
          kind: 'platform',
          platformId: platformIdOf(req),
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

  app.delete(
    '/api-keys/:keyId',
    {
      schema: {
        tags,
        summary: 'Revoke a platform or end-user key',
        params: platformParams.extend({ keyId: z.string() }),
        response: withErrors({ 204: noContent }),
      },
    },
    async (req, reply) => {
      await audited(ctx, req, async (trx) => {
        const revoked = await trx
          .updateTable('api_keys')
          .set({ is_active: 0 })
          .where('id', '=', req.params.keyId)
          .where('platform_id', '=', platformIdOf(req))
          .where('is_active', '=', 1)
          .returningAll()
          .executeTakeFirst();
        if (!revoked) throw errors.notFound('Active API key');
        const changes = diffChanges({ ...apiKeyView(revoked), is_active: true }, apiKeyView(revoked));
        return { result: revoked, audit: { action: 'api_key.revoke', resourceType: 'api_key', resourceId: revoked.id, changes } };
      });
      ctx.auth.invalidateAll();
      return reply.code(204).send();
    },
  );
}
