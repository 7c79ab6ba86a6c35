/** The platform itself (spec §3): get, patch (settings merge), delete with all its data. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audited, diffChanges, writeAudit } from '../../audit/index.js';
import { type AppContext, nowIso } from '../../context.js';
import { conflictOnUnique, errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { dataOf, noContent, Platform, withErrors } from '../responses.js';
import { mergeSettings, platformSettings, slugSchema } from '../schemas.js';
import { parseJsonObject, platformView } from '../views.js';
import { deletePlatform, getPlatformOr404 } from './service.js';

const tags = ['Platform'];

export function registerPlatformRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get('', { schema: { tags, summary: 'Get the platform', response: withErrors({ 200: dataOf(Platform) }) } }, async (req) => ({
    data: platformView(await getPlatformOr404(ctx, platformIdOf(req))),
  }));

  app.patch(
    '',
    {
      schema: {
        tags,
        summary: 'Update the platform (settings are merged; a null value removes a setting)',
        body: z
          .object({
            name: z.string().trim().min(1).max(255).optional(),
            slug: slugSchema.optional(),
            settings: platformSettings.optional(),
          })
          .strict(),
        response: withErrors({ 200: dataOf(Platform) }),
      },
    },
    async (req) => {
      const current = await getPlatformOr404(ctx, platformIdOf(req));
      const b = req.body;
      if (b.slug && b.slug !== current.slug) {
        const taken = await ctx.store.db.selectFrom('platforms').select('id').where('slug', '=', b.slug).executeTakeFirst();
        if (taken) throw errors.conflict(`A platform with slug "${b.slug}" already exists.`);
      }
      const settings = b.settings ? mergeSettings(parseJsonObject(current.settings), b.settings) : undefined;
      const row = await audited(ctx, req, async (trx) => {
        const after = await trx
          .updateTable('platforms')
          .set({
            ...(b.name !== undefined && { name: b.name }),
            ...(b.slug !== undefined && { slug: b.slug }),
            ...(settings && { settings: JSON.stringify(settings) }),
            updated_at: nowIso(ctx),
          })
          .where('id', '=', current.id)
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch(conflictOnUnique(`A platform with slug "${b.slug}" already exists.`));
        const changes = diffChanges(platformView(current), platformView(after));
        return { result: after, audit: { action: 'platform.update', resourceType: 'platform', resourceId: after.id, changes } };
      });
      ctx.events.emit('platform.changed', row.id);
      return { data: platformView(row) };
    },
  );

  app.delete(
    '',
    { schema: { tags, summary: 'Delete the platform and all of its data', response: withErrors({ 204: noContent }) } },
    async (req, reply) => {
      const current = await getPlatformOr404(ctx, platformIdOf(req));
      // The platform's own rows are purged with it: the deletion is recorded with no platform (the operator's log).
      await deletePlatform(ctx, current.id, (trx) =>
        writeAudit(ctx, trx, req, {
          action: 'platform.delete',
          resourceType: 'platform',
          resourceId: current.id,
          platformId: null,
          changes: diffChanges(platformView(current), null),
        }),
      );
      return reply.code(204).send();
    },
  );
}
