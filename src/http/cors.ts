/**
 * CORS (spec §0): inference routes and /v1/me answer any origin (end-user keys are meant for browsers and
 * travel in a header, never a cookie). Management and admin routes only answer origins the operator lists.
 */

import type { FastifyInstance } from 'fastify';
import { targetPath } from './request-target.js';

const publicPrefixes = ['/v1/chat/', '/v1/models', '/v1/me', '/v1/responses', '/v1/messages', '/v1/completions', '/v1/embeddings'];

function isPublic(path: string): boolean {
  return publicPrefixes.some((p) => path === p || path.startsWith(p));
}

/** Response headers a browser client may read: ids, cost, idempotent replays and rate-limit state. */
const exposedHeaders = [
  'x-request-id',
  'x-client-request-id',
  'idempotent-replayed',
  'x-assistiv-cost-usd',
  'retry-after',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
].join(', ');

export function installCors(app: FastifyInstance, managementOrigins: string[]) {
  const allowOrigin = (path: string, origin: string | undefined): string | null => {
    if (!origin) return null;
    if (isPublic(path)) return '*';
    return managementOrigins.includes(origin) || managementOrigins.includes('*') ? origin : null;
  };

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    const allowed = allowOrigin(targetPath(req.url), origin);
    if (!allowed) return;
    reply.header('access-control-allow-origin', allowed);
    reply.header('access-control-expose-headers', exposedHeaders);
    if (allowed !== '*') reply.header('vary', 'Origin');
  });

  app.options('*', { schema: { hide: true } }, async (req, reply) => {
    const allowed = allowOrigin(targetPath(req.url), req.headers.origin);
    if (!allowed) return reply.code(204).send();
    reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
    reply.header(
      'access-control-allow-headers',
      req.headers['access-control-request-headers'] ??
        'authorization, content-type, x-api-key, idempotency-key, x-request-id, anthropic-version',
    );
    reply.header('access-control-max-age', '600');
    return reply.code(204).send();
  });
}
