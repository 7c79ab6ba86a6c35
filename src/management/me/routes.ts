/** Self-service (spec §4): what an end-user key may read about itself. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { dataOf, Me, withErrors } from '../responses.js';

export function registerMeRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const schema = { tags: ['Self-service'], summary: 'Who am I (end-user key)', response: withErrors({ 200: dataOf(Me) }) };
  app.get('', { schema }, async (req) => {
    const p = req.principal;
    if (p?.kind !== 'end_user') throw errors.forbidden('This route needs an end-user key.');
    const user = await ctx.store.db.selectFrom('end_users').selectAll().where('id', '=', p.endUserId).executeTakeFirst();
    if (!user) throw errors.notFound('End user');
    return {
      data: { end_user_id: user.id, platform_id: user.platform_id, external_id: user.external_id, display_name: user.display_name },
    };
  });
}
