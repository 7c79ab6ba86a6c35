/** The platform itself (spec §3): get, patch (settings merge), delete with all its data. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AppContext, nowIso } from '../../context.js';
import { conflictOnUnique, errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { mergeSettings, platformSettings, slugSchema } from '../schemas.js';
import { parseJsonObject, platformView } from '../views.js';
import { deletePlatform, getPlatformOr404 } from './service.js';

const tags = ['Platform'];

export function registerPlatformRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get('', { schema: { tags, summary: 'Get the platform' } }, async (req) => ({
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
      const row = await ctx.store.db
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
      ctx.events.emit('platform.changed', row.id);
      return { data: platformView(row) };
    },
  );

  app.delete('', { schema: { tags, summary: 'Delete the platform and all of its data' } }, async (req, reply) => {
    await getPlatformOr404(ctx, platformIdOf(req));
    await deletePlatform(ctx, platformIdOf(req));
    return reply.code(204).send();
  });
}
