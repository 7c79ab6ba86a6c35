/** Serves the dashboard's built files at /dashboard (same origin as the API it calls). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
      );
      return reply.code(503).send(errorBody(err, req.id));
    });
    return;
  }
  // The router ignores trailing slashes, so this one route answers both /dashboard and /dashboard/.
  app.get('/dashboard', { schema: { hide: true } }, async (req, reply) => {
    if (!req.url.split('?')[0].endsWith('/')) return reply.redirect('/dashboard/');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(`${distDir}index.html`));
  });
  await app.register(fastifyStatic, { root: distDir, prefix: '/dashboard/', decorateReply: false, index: false });
}
