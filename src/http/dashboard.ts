/**
 * Serves the dashboard's built files at /dashboard (same origin as the API it calls). Only the files the
 * build wrote are served, looked up by exact path in a table made at start: a request target never becomes a
 * filesystem path, so no traversal form (`..%2f`, `%2e%2e`, backslashes, NUL) can reach another file.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiError, errorBody, errors } from './errors.js';
import { dashboardCsp } from './security-headers.js';

const distDir = new URL('../../dashboard/dist/', import.meta.url).pathname;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** URL path (relative to /dashboard/, `/`-separated) → file on disk, for every built file. */
function builtFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(distDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    files.set(relative(distDir, file).split(sep).join('/'), file);
  }
  return files;
}

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
  const files = builtFiles();
  // The router ignores trailing slashes, so this one route answers both /dashboard and /dashboard/.
  app.get('/dashboard', { schema: { hide: true } }, async (req, reply) => {
    if (!req.url.split('?')[0].endsWith('/')) return reply.redirect('/dashboard/');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', dashboardCsp)
      .send(await readFile(`${distDir}index.html`));
  });
  app.get('/dashboard/*', { schema: { hide: true } }, async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const file = files.get(path);
    if (file === undefined) throw errors.notFound('File');
    // Vite names assets by content hash: they never change under one name.
    const cache = path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (extname(path) === '.html') reply.header('content-security-policy', dashboardCsp);
    return reply
      .type(contentTypes[extname(path)] ?? 'application/octet-stream')
      .header('cache-control', cache)
      .send(await readFile(file));
  });
}
