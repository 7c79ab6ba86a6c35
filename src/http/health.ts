/** Liveness and readiness (spec §0). */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { migrationsApplied } from '../store/migrations.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
      if (!(await migrationsApplied(ctx.store.db as never))) {
        return reply.code(503).send({ status: 'not_ready', reason: 'migrations pending' });
      }
      return { status: 'ready', database: ctx.store.dialect };
    } catch {
      return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable' });
    }
  });
}
