/**
 * `Idempotency-Key` on management POST/PATCH (spec §0), like Stripe: the first response is kept 24 h
 * and replayed for the same key, route and body; another body is a 409; a concurrent duplicate gets
 * 409 `idempotency_in_progress`. Stored responses are sealed (they may hold raw keys). Responses with a
 * 5xx status are not kept, so a retry executes again. Expired records are deleted by the retention job
 * (src/retention); until then an expired one is ignored and replaced here.
 */

import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AppContext, nowIso } from '../context.js';
import { errors } from './errors.js';
import { scopedPlatformId } from './hooks.js';
import { targetPath } from './request-target.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

/** Keys are scoped per platform (spec §0); the operator's own routes share one scope. */
function scopeOf(req: FastifyRequest): string {
  const p = req.principal;
  if (p?.kind === 'platform' || p?.kind === 'end_user') return `platform:${p.platformId}`;
  const platformId = scopedPlatformId(req);
  return platformId ? `platform:${platformId}` : 'admin';
}

/** preHandler: runs after auth and validation, so the scope and the parsed body are known. */
export function idempotencyCheck(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'POST' && req.method !== 'PATCH') return;
    const header = req.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 255) throw errors.validation('Idempotency-Key', 'Idempotency-Key must be 1-255 characters.');
    const scope = scopeOf(req);
    const route = `${req.method} ${targetPath(req.url)}`;
    const bodyHash = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .digest('hex');
    const db = ctx.store.db;

    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          scope,
          key,
          route,
          body_hash: bodyHash,
          state: 'in_progress',
          response_status: null,
          response_sealed: null,
          created_at: nowIso(ctx),
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
        req.idempotency = { scope, key };
        return;
      }
      const existing = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!existing) continue; // released meanwhile: try to take it again
      const ageMs = ctx.clock.now() - Date.parse(existing.created_at);
      // Expired, or held by a request that never finished (its process died): free the key and take it.
      const abandoned = existing.state === 'in_progress' && ageMs > ctx.config.limits.idempotencyLockMs;
      if (ageMs > ctx.config.limits.idempotencyTtlMs || abandoned) {
        await db
          .deleteFrom('idempotency_keys')
          .where('scope', '=', scope)
          .where('key', '=', key)
          .where('created_at', '=', existing.created_at)
          .execute();
        continue;
      }
      if (existing.route !== route || existing.body_hash !== bodyHash) {
        throw errors.conflict('This Idempotency-Key was already used with a different route or body.', 'idempotency_key_reused');
      }
      if (existing.state !== 'done' || existing.response_sealed === null) {
        throw errors.conflict('A request with this Idempotency-Key is still in progress.', 'idempotency_in_progress');
      }
      const payload = ctx.secretBox.decrypt(existing.response_sealed, `idempotency:${scope}:${key}`);
      reply.header('idempotent-replayed', 'true');
      reply.header('content-type', 'application/json; charset=utf-8');
      return reply.code(existing.response_status ?? 200).send(payload);
    }
    throw errors.conflict('A request with this Idempotency-Key is still in progress.', 'idempotency_in_progress');
  };
}

/** onSend: keeps the response for replays (or frees the key after a 5xx). */
export function idempotencyStore(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const idem = req.idempotency;
    if (!idem) return payload;
    req.idempotency = null;
    if (reply.statusCode >= 500 || (payload !== undefined && typeof payload !== 'string')) {
      await ctx.store.db.deleteFrom('idempotency_keys').where('scope', '=', idem.scope).where('key', '=', idem.key).execute();
      return payload;
    }
    await ctx.store.db
      .updateTable('idempotency_keys')
      .where('scope', '=', idem.scope)
      .where('key', '=', idem.key)
      .set({
        state: 'done',
        response_status: reply.statusCode,
        response_sealed: ctx.secretBox.encrypt(payload ?? '', `idempotency:${idem.scope}:${idem.key}`),
      })
      .execute();
    return payload;
  };
}
