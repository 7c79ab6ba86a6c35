/**
 * Security headers on every response (API JSON, dashboard, docs, and the bare error answers Node writes
 * itself). The API's JSON is never a document to render, so its CSP allows nothing; the dashboard and /docs
 * get their own strict policies.
 */
import type { FastifyInstance } from 'fastify';

export const baseSecurityHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  // Answers carry keys, balances and logs: no browser or proxy may keep a copy (the dashboard's assets set their own).
  'cache-control': 'no-store',
};

/** The dashboard loads its own hashed bundle and calls the API on the same origin; nothing inline, nothing third-party. */
export const dashboardCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * @fastify/swagger-ui's own policy (hashes of its inline script and style), made stricter: no framing, no
 * third-party validator badge or https: styles and fonts, and no upgrade-insecure-requests (it would break /docs on plain-HTTP localhost).
 */
export function docsCsp(generated: string): string {
  return (
    generated
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d && !d.startsWith('upgrade-insecure-requests') && !d.startsWith('frame-ancestors'))
      .map((d) => (d.startsWith('img-src') ? "img-src 'self' data:" : d.replace(/ https:/g, '')))
      // The one style element swagger-ui-bundle.js injects (its hash, as Chromium reports it when blocked).
      .map((d) => (d.startsWith('style-src') ? `${d} 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='` : d))
      .concat("frame-ancestors 'none'")
      .join('; ')
  );
}

/** Set first, in onRequest, so the dashboard and docs routes can replace the CSP with their own. */
export function installSecurityHeaders(app: FastifyInstance) {
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(baseSecurityHeaders);
  });
}
