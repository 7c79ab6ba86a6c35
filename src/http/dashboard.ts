/** Serves the dashboard's built files at /dashboard (same origin as the API it calls). */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ApiError, errorBody } from './errors.js';

const distDir = new URL('../../dashboard/dist/', import.meta.url).pathname;

export async function registerDashboard(app: FastifyInstance) {
  if (!existsSync(distDir)) {
    app.get('/dashboard*', { schema: { hide: true } }, async (req, reply) => {
      const err = new ApiError(
        503,
        'dashboard_not_built',
        'The dashboard is not built: run `npm run build:dashboard` (npm start does it).',
        {
          type: 'server_error',
        },
      );
      return reply.code(503).send(errorBody(err, req.id));
    });
    return;
  }
  app.get('/dashboard', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/dashboard/'));
  await app.register(fastifyStatic, { root: distDir, prefix: '/dashboard/', decorateReply: false, index: ['index.html'] });
}
