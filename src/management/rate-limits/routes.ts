/**
 * Rate limits (spec §3, §4): platform defaults for every end user, per-user overrides that replace the
 * defaults as a whole, and the caller's own effective limits on `/v1/me/rate-limits`. A change is announced
 * on the event bus so this instance's limiter applies it on the next call.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audited, diffChanges } from '../../audit/index.js';
import { type AppContext, nowIso } from '../../context.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import {
  deleteOverride,
  type LimitsChanged,
  limitsChangedEvent,
  readLimits,
  readPlatformDefault,
  writeLimits,
} from '../../ratelimit/limits.js';
import type { Limits } from '../../ratelimit/types.js';
import type { Database } from '../../store/schema.js';
import { getEndUserOr404 } from '../end-users/routes.js';
import { dataOf, noContent, withErrors } from '../responses.js';
import { EndUserRateLimits, MyRateLimits, PlatformRateLimits } from './responses.js';

const tags = ['Rate limits'];

/** The limits a row sets (all null when there is no row): what an audit row diffs. */
const limitsOf = (row: Limits | null | undefined): Limits => ({
  rpm_limit: row?.rpm_limit ?? null,
  tpm_limit: row?.tpm_limit ?? null,
  rpd_limit: row?.rpd_limit ?? null,
});

/** An end user's own override row, if any. */
const readOverride = (db: Kysely<Database>, platformId: string, endUserId: string) =>
  db
    .selectFrom('rate_limits')
    .select(['rpm_limit', 'tpm_limit', 'rpd_limit'])
    .where('platform_id', '=', platformId)
    .where('end_user_id', '=', endUserId)
    .executeTakeFirst();
const userParams = z.object({ platformId: z.string(), endUserId: z.string() });

/** The store's INTEGER columns hold up to 2^31 − 1 (PostgreSQL `integer`). */
const maxLimit = 2_147_483_647;
const limitField = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(maxLimit, `must be at most ${maxLimit}`)
  .nullable()
  .optional()
  .describe('null or absent = unlimited on this dimension');

/** PUT replaces every dimension: an absent field is unlimited (null). */
const limitsBody = z
  .object({ rpm_limit: limitField, tpm_limit: limitField, rpd_limit: limitField })
  .strict()
  .transform((b): Limits => ({ rpm_limit: b.rpm_limit ?? null, tpm_limit: b.tpm_limit ?? null, rpd_limit: b.rpd_limit ?? null }));

export function registerRateLimitRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;
  const announce = (change: LimitsChanged) => ctx.events.emit(limitsChangedEvent, change);

  const defaultsView = async (platformId: string): Promise<z.input<typeof PlatformRateLimits>> => {
    const row = await readPlatformDefault(db, platformId);
    return {
      platform_id: platformId,
      rpm_limit: row?.rpm_limit ?? null,
      tpm_limit: row?.tpm_limit ?? null,
      rpd_limit: row?.rpd_limit ?? null,
      updated_at: row?.updated_at ?? null,
    };
  };

  const effectiveView = async (platformId: string, endUserId: string): Promise<z.input<typeof EndUserRateLimits>> => {
    const { limits, resolution } = await readLimits(db, platformId, endUserId);
    return { end_user_id: endUserId, ...limits, resolution };
  };

  app.get(
    '/rate-limits',
    {
      schema: {
        tags,
        summary: "Get the platform's default limits for every end user",
        response: withErrors({ 200: dataOf(PlatformRateLimits) }),
      },
    },
    async (req) => ({
      data: await defaultsView(platformIdOf(req)),
    }),
  );

  app.put(
    '/rate-limits',
    {
      schema: {
        tags,
        summary: 'Set the default limits for every end user (null = unlimited)',
        body: limitsBody,
        response: withErrors({ 200: dataOf(PlatformRateLimits) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      await audited(ctx, req, async (trx) => {
        const before = await readPlatformDefault(trx, platformId);
        await writeLimits(trx, { platformId, endUserId: null }, req.body, nowIso(ctx));
        const changes = diffChanges(limitsOf(before), limitsOf(req.body));
        return { result: null, audit: { action: 'rate_limit.update', resourceType: 'rate_limit', resourceId: null, changes } };
      });
      announce({ platformId });
      return { data: await defaultsView(platformId) };
    },
  );

  app.get(
    '/end-users/:endUserId/rate-limits',
    {
      schema: {
        tags,
        summary: "Get an end user's effective limits and where they come from",
        params: userParams,
        response: withErrors({ 200: dataOf(EndUserRateLimits) }),
      },
    },
    async (req) => {
      const user = await getEndUserOr404(ctx, platformIdOf(req), req.params.endUserId);
      return { data: await effectiveView(user.platform_id, user.id) };
    },
  );

  app.put(
    '/end-users/:endUserId/rate-limits',
    {
      schema: {
        tags,
        summary: "Set an end user's override (replaces the platform default as a whole)",
        params: userParams,
        body: limitsBody,
        response: withErrors({ 200: dataOf(EndUserRateLimits) }),
      },
    },
    async (req) => {
      const user = await getEndUserOr404(ctx, platformIdOf(req), req.params.endUserId);
      await audited(ctx, req, async (trx) => {
        const before = await readOverride(trx, user.platform_id, user.id);
        await writeLimits(trx, { platformId: user.platform_id, endUserId: user.id }, req.body, nowIso(ctx));
        const changes = diffChanges(limitsOf(before), limitsOf(req.body));
        return { result: null, audit: { action: 'rate_limit.update', resourceType: 'rate_limit', resourceId: user.id, changes } };
      });
      announce({ platformId: user.platform_id, endUserId: user.id });
      return { data: await effectiveView(user.platform_id, user.id) };
    },
  );

  app.delete(
    '/end-users/:endUserId/rate-limits',
    {
      schema: {
        tags,
        summary: "Remove an end user's override (the platform default applies again)",
        params: userParams,
        response: withErrors({ 204: noContent }),
      },
    },
    async (req, reply) => {
      const user = await getEndUserOr404(ctx, platformIdOf(req), req.params.endUserId);
      await audited(ctx, req, async (trx) => {
        const before = await readOverride(trx, user.platform_id, user.id);
        await deleteOverride(trx, user.platform_id, user.id);
        const changes = diffChanges(limitsOf(before), limitsOf(null));
        return { result: null, audit: { action: 'rate_limit.delete', resourceType: 'rate_limit', resourceId: user.id, changes } };
      });
      announce({ platformId: user.platform_id, endUserId: user.id });
      return reply.code(204).send();
    },
  );
}

/** `/v1/me/rate-limits`: the calling end user's effective limits (spec §4). */
export function registerMeRateLimitRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const schema = {
    tags: ['Self-service'],
    summary: 'My effective rate limits (end-user key)',
    response: withErrors({ 200: dataOf(MyRateLimits) }),
  };
  app.get('/rate-limits', { schema }, async (req) => {
    const p = req.principal;
    if (p?.kind !== 'end_user') throw errors.forbidden('This route needs an end-user key.');
    const { limits, resolution } = await readLimits(ctx.store.db, p.platformId, p.endUserId);
    return { data: { ...limits, resolution } };
  });
}
