/** Liveness and readiness (spec §0). */
import type { FastifyInstance } from 'fastify';
import { billingMigrations } from '../billing/migrations.js';
import type { AppContext } from '../context.js';
import { storeReadiness } from '../store/readiness.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const readiness = await storeReadiness(ctx.store, billingMigrations);
    if (!readiness.ready) return reply.code(503).send({ status: 'not_ready', reason: readiness.reason });
    return { status: 'ready', database: readiness.database };
  });
}
