/** Request logs and usage aggregations (spec §3 `GET /logs`, `GET /usage`). Prompts and outputs are never stored. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { microsToFixed, microsToUsd } from '../../billing/money.js';
import type { AppContext } from '../../context.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import type { RequestLogsTable } from '../../store/schema.js';
import { pageOf, withErrors } from '../responses.js';
import { parseJsonObject } from '../views.js';
import { RequestLog, Usage } from './responses.js';

const tags = ['Logs and usage'];
const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

export const logView = (l: RequestLogsTable): z.input<typeof RequestLog> => ({
  id: l.id,
  request_id: l.request_id,
  platform_id: l.platform_id,
  end_user_id: l.end_user_id,
  request_type: l.request_type,
  provider_id: l.provider_id,
  model: l.model,
  provider_model_id: l.provider_model_id,
  stream: Number(l.stream) === 1,
  prompt_tokens: l.prompt_tokens,
  completion_tokens: l.completion_tokens,
  total_tokens: l.prompt_tokens + l.completion_tokens,
  cached_tokens: l.cached_tokens,
  cache_write_tokens: l.cache_write_tokens,
  reasoning_tokens: l.reasoning_tokens,
  latency_ms: l.latency_ms,
  ttft_ms: l.ttft_ms,
  estimated_cost_usd: microsToFixed(l.cost_micros),
  end_user_cost_usd: microsToFixed(l.end_user_cost_micros),
  status: l.status,
  error_code: l.error_code,
  error_message: l.error_message,
  token_count_method: l.token_count_method,
  billing_status: l.billing_status,
  fallback_from: l.fallback_from,
  metadata: parseJsonObject(l.metadata),
  created_at: l.created_at,
});

export function registerLogRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  app.get(
    '/logs',
    {
      schema: {
        tags,
        summary: 'Request logs, newest first',
        querystring: pageQuery.extend({
          model: z.string().optional(),
          end_user_id: z.string().optional(),
          status: z.enum(['success', 'error', 'cancelled', 'rejected']).optional(),
          from: isoTime.optional(),
          to: isoTime.optional(),
        }),
        response: withErrors({ 200: pageOf(RequestLog) }),
      },
    },
    async (req) => {
      await ctx.requestLogs.flush();
      const f = req.query;
      let q = db.selectFrom('request_logs').where('platform_id', '=', platformIdOf(req));
      if (f.model) q = q.where('model', '=', f.model);
      if (f.end_user_id) q = q.where('end_user_id', '=', f.end_user_id);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.from) q = q.where('created_at', '>=', f.from);
      if (f.to) q = q.where('created_at', '<', f.to);
      return listPage(q, f, (q) => q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), logView);
    },
  );

  app.get(
    '/usage',
    {
      schema: {
        tags,
        summary: 'Usage aggregated by day, model or end user over [from, to)',
        querystring: z.object({
          from: isoTime.optional(),
          to: isoTime.optional(),
          group_by: z.enum(['day', 'model', 'end_user']).default('day'),
        }),
        response: withErrors({ 200: Usage }),
      },
    },
    async (req) => {
      await ctx.requestLogs.flush();
      const { group_by: groupBy } = req.query;
      const to = req.query.to ?? new Date(ctx.clock.now() + 1).toISOString();
      const from = req.query.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
      if (from >= to) throw errors.validation('from', '"from" must be before "to".');
      // Times are ISO text on both databases, so the day is the first 10 characters.
      const key =
        groupBy === 'day'
          ? sql<string>`substr(created_at, 1, 10)`
          : groupBy === 'model'
            ? sql<string>`model`
            : sql<string>`coalesce(end_user_id, '')`;
      const rows = await db
        .selectFrom('request_logs')
        .select([
          key.as('key'),
          sql<number>`count(*)`.as('requests'),
          sql<number>`coalesce(sum(prompt_tokens), 0)`.as('prompt_tokens'),
          sql<number>`coalesce(sum(completion_tokens), 0)`.as('completion_tokens'),
          sql<number>`coalesce(sum(cost_micros), 0)`.as('cost_micros'),
          sql<number>`coalesce(sum(end_user_cost_micros), 0)`.as('end_user_cost_micros'),
          sql<number>`coalesce(sum(cached_tokens), 0)`.as('cached_tokens'),
          sql<number>`coalesce(sum(cache_write_tokens), 0)`.as('cache_write_tokens'),
          sql<number>`coalesce(sum(reasoning_tokens), 0)`.as('reasoning_tokens'),
        ])
        .where('platform_id', '=', platformIdOf(req))
        .where('status', '!=', 'rejected')
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .groupBy(key)
        .orderBy(groupBy === 'day' ? sql`1` : sql`5`, groupBy === 'day' ? 'asc' : 'desc')
        .execute();
      return {
        data: rows.map((r) => ({
          key: groupBy === 'end_user' && r.key === '' ? null : r.key,
          requests: Number(r.requests),
          prompt_tokens: Number(r.prompt_tokens),
          completion_tokens: Number(r.completion_tokens),
          cached_tokens: Number(r.cached_tokens),
          cache_write_tokens: Number(r.cache_write_tokens),
          reasoning_tokens: Number(r.reasoning_tokens),
          cost_usd: microsToUsd(Number(r.cost_micros)),
          end_user_cost_usd: microsToUsd(Number(r.end_user_cost_micros)),
        })),
        from,
        to,
        group_by: groupBy,
      };
    },
  );
}
