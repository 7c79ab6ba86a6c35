/** Reading the audit log (spec §3b): a platform's rows, and the operator's own actions. Rows are never edited. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { errors } from '../http/errors.js';
import { authenticate, platformIdOf } from '../http/hooks.js';
import { listPage, pageQuery } from '../http/pagination.js';
import { pageOf, withErrors } from '../management/responses.js';
import type { AuditLogTable, Database } from '../store/schema.js';
import type { Changes } from './changes.js';
import { AuditEntry } from './responses.js';

const tags = ['Audit log'];
const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

const auditQuery = pageQuery.extend({
  /** An actor's id (member id, key id, "admin", user@host of a CLI command) or label (email, key prefix). */
  actor: z.string().trim().min(1).max(320).optional(),
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, 'must look like "wallet.topup"')
    .optional(),
  resource_type: z
    .string()
    .regex(/^[a-z_]+$/, 'must look like "wallet"')
    .optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

type AuditQuery = z.infer<typeof auditQuery>;

export const auditRowView = (r: AuditLogTable) => ({
  id: r.id,
  platform_id: r.platform_id,
  actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
  action: r.action,
  resource_type: r.resource_type,
  resource_id: r.resource_id,
  changes: JSON.parse(r.changes) as Changes,
  request_id: r.request_id,
  ip: r.ip,
  user_agent: r.user_agent,
  created_at: r.created_at,
});

function filtered(q: SelectQueryBuilder<Database, 'audit_log', object>, f: AuditQuery) {
  if (f.from && f.to && f.from >= f.to) throw errors.validation('from', '"from" must be before "to".');
  let out = q;
  if (f.actor) {
    const actor = f.actor;
    out = out.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_label', '=', actor)]));
  }
  if (f.action) out = out.where('action', '=', f.action);
  if (f.resource_type) out = out.where('resource_type', '=', f.resource_type);
  if (f.from) out = out.where('created_at', '>=', f.from);
  if (f.to) out = out.where('created_at', '<', f.to);
  return out;
}

const newestFirst = (q: SelectQueryBuilder<Database, 'audit_log', object>) => q.selectAll().orderBy('id', 'desc');

/** `GET /v1/platforms/{platformId}/audit-log`: only that platform's rows (operator actions on it included). */
export function registerPlatformAuditRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const schema = {
    tags,
    summary: "The platform's audit log, newest first",
    querystring: auditQuery,
    response: withErrors({ 200: pageOf(AuditEntry) }),
  };
  app.get('/audit-log', { schema }, async (req) => {
    const q = filtered(ctx.store.db.selectFrom('audit_log').where('platform_id', '=', platformIdOf(req)), req.query);
    return listPage(q, req.query, newestFirst, auditRowView);
  });
}

/**
 * `GET /v1/admin/audit-log`: the operator's own actions (admin key, operator members, commands run at the
 * server, the gateway's own startup changes) and rows of no platform.
 */
export function registerAdminAuditRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db: Kysely<Database> = ctx.store.db;
  app.get(
    '/audit-log',
    {
      onRequest: authenticate(ctx, ['admin']),
      schema: {
        tags,
        summary: "The operator's audit log, newest first",
        querystring: auditQuery,
        response: withErrors({ 200: pageOf(AuditEntry) }),
      },
    },
    async (req) => {
      const operatorRows = db
        .selectFrom('audit_log')
        .where((eb) => eb.or([eb('actor_type', 'in', ['admin_key', 'operator', 'cli', 'system']), eb('platform_id', 'is', null)]));
      return listPage(filtered(operatorRows, req.query), req.query, newestFirst, auditRowView);
    },
  );
}
