/**
 * A platform's webhook endpoints (spec §3 `/webhooks`, §6): the `whsec_` secret is shown once (on create and
 * on rotation) and sealed with the secret box bound to the endpoint; deliveries list every attempt.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audited, diffChanges } from '../../audit/index.js';
import { type AppContext, nowIso } from '../../context.js';
import { uuidv7 } from '../../crypto/ids.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import type { Database } from '../../store/schema.js';
import {
  ALL_EVENTS,
  enqueueWebhookEvent,
  newWebhookSecret,
  RETRY_WINDOW_MS,
  sealSecret,
  urlProblem,
  wakeWebhookWorker,
  webhookEventTypes,
} from '../../webhooks/index.js';
import { dataOf, noContent, pageOf, withErrors } from '../responses.js';
import { WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret } from './responses.js';
import { webhookDeliveryView, webhookEndpointView } from './views.js';

const tags = ['Webhooks'];
const endpointParams = z.object({ platformId: z.string(), webhookId: z.string() });
const deliveryParams = endpointParams.extend({ deliveryId: z.string() });
/** Rotation grace: the old secret keeps signing this long by default (24 h), at most 7 days. */
const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;
const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;

export function registerWebhookRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;
  const url = z
    .string()
    .trim()
    .max(2048)
    .superRefine((v, c) => {
      const problem = urlProblem(v, ctx.config.webhooksAllowPrivateUrls);
      if (problem) c.addIssue({ code: 'custom', message: `the webhook URL ${problem}` });
    });
  const events = z
    .array(z.enum([ALL_EVENTS, ...webhookEventTypes]))
    .min(1)
    .max(webhookEventTypes.length + 1)
    .transform((list) => [...new Set(list)]);
  const description = z.string().trim().max(500).nullable().optional();

  const findEndpoint = async (trx: Kysely<Database>, platformId: string, id: string) => {
    const row = await trx
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('platform_id', '=', platformId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw errors.notFound('Webhook endpoint');
    return row;
  };

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: "List the platform's webhook endpoints (never the secret)",
        querystring: pageQuery,
        response: withErrors({ 200: pageOf(WebhookEndpoint) }),
      },
    },
    async (req) => {
      const q = db.selectFrom('webhook_endpoints').where('platform_id', '=', platformIdOf(req));
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), webhookEndpointView);
    },
  );

  app.get(
    '/webhooks/:webhookId',
    {
      schema: {
        tags,
        summary: 'Get a webhook endpoint (never the secret)',
        params: endpointParams,
        response: withErrors({ 200: dataOf(WebhookEndpoint) }),
      },
    },
    async (req) => {
      return { data: webhookEndpointView(await findEndpoint(db, platformIdOf(req), req.params.webhookId)) };
    },
  );

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Add a webhook endpoint (its whsec_ signing secret is returned once)',
        body: z.object({ url, events, description, is_active: z.boolean().optional() }).strict(),
        response: withErrors({ 201: dataOf(WebhookEndpointWithSecret) }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const b = req.body;
      const id = uuidv7();
      const secret = newWebhookSecret();
      const now = nowIso(ctx);
      const row = {
        id,
        platform_id: platformId,
        url: b.url,
        description: b.description ?? null,
        events: JSON.stringify(b.events),
        is_active: (b.is_active === false ? 0 : 1) as 0 | 1,
        encrypted_secret: sealSecret(ctx.secretBox, secret, platformId, id),
        previous_encrypted_secret: null,
        previous_secret_expires_at: null,
        created_at: now,
        updated_at: now,
      };
      await audited(ctx, req, async (trx) => {
        await trx.insertInto('webhook_endpoints').values(row).execute();
        const changes = diffChanges(null, webhookEndpointView(row), ['secret']);
        return { result: row, audit: { action: 'webhook.create', resourceType: 'webhook', resourceId: id, changes } };
      });
      return reply.code(201).send({ data: { ...webhookEndpointView(row), secret } });
    },
  );

  app.patch(
    '/webhooks/:webhookId',
    {
      schema: {
        tags,
        summary: 'Change the URL, events, description or active state',
        params: endpointParams,
        body: z.object({ url: url.optional(), events: events.optional(), description, is_active: z.boolean().optional() }).strict(),
        response: withErrors({ 200: dataOf(WebhookEndpoint) }),
      },
    },
    async (req) => {
      const b = req.body;
      const updated = await audited(ctx, req, async (trx) => {
        const before = await findEndpoint(trx, platformIdOf(req), req.params.webhookId);
        const after = await trx
          .updateTable('webhook_endpoints')
          .set({
            ...(b.url !== undefined && { url: b.url }),
            ...(b.events !== undefined && { events: JSON.stringify(b.events) }),
            ...(b.description !== undefined && { description: b.description }),
            ...(b.is_active !== undefined && { is_active: b.is_active ? 1 : 0 }),
            updated_at: nowIso(ctx),
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diffChanges(webhookEndpointView(before), webhookEndpointView(after));
        return { result: after, audit: { action: 'webhook.update', resourceType: 'webhook', resourceId: after.id, changes } };
      });
      if (b.is_active) wakeWebhookWorker(ctx);
      return { data: webhookEndpointView(updated) };
    },
  );

  app.delete(
    '/webhooks/:webhookId',
    {
      schema: { tags, summary: 'Delete an endpoint and its deliveries', params: endpointParams, response: withErrors({ 204: noContent }) },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      await audited(ctx, req, async (trx) => {
        await trx
          .deleteFrom('webhook_deliveries')
          .where('platform_id', '=', platformId)
          .where('endpoint_id', '=', req.params.webhookId)
          .execute();
        const deleted = await trx
          .deleteFrom('webhook_endpoints')
          .where('platform_id', '=', platformId)
          .where('id', '=', req.params.webhookId)
          .returningAll()
          .executeTakeFirst();
        if (!deleted) throw errors.notFound('Webhook endpoint');
        const changes = diffChanges(webhookEndpointView(deleted), null);
        return { result: deleted, audit: { action: 'webhook.delete', resourceType: 'webhook', resourceId: deleted.id, changes } };
      });
      return reply.code(204).send();
    },
  );

  app.post(
    '/webhooks/:webhookId/rotate-secret',
    {
      schema: {
        tags,
        summary: 'New signing secret (returned once); the old one keeps signing for the grace period (default 24 h)',
        params: endpointParams,
        body: z
          .object({ grace_period_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional() })
          .strict()
          .nullish(),
        response: withErrors({ 200: dataOf(WebhookEndpointWithSecret) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      const id = req.params.webhookId;
      const grace = req.body?.grace_period_seconds ?? DEFAULT_GRACE_SECONDS;
      const secret = newWebhookSecret();
      const row = await audited(ctx, req, async (trx) => {
        const current = await findEndpoint(trx, platformId, id);
        const rotated = await trx
          .updateTable('webhook_endpoints')
          .set({
            encrypted_secret: sealSecret(ctx.secretBox, secret, platformId, id),
            previous_encrypted_secret: grace > 0 ? current.encrypted_secret : null,
            previous_secret_expires_at: grace > 0 ? new Date(ctx.clock.now() + grace * 1000).toISOString() : null,
            updated_at: nowIso(ctx),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const changes = diffChanges(null, null, ['secret']);
        return { result: rotated, audit: { action: 'webhook.rotate_secret', resourceType: 'webhook', resourceId: id, changes } };
      });
      return { data: { ...webhookEndpointView(row), secret } };
    },
  );

  app.get(
    '/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags,
        summary: 'Every delivery attempt to the endpoint, newest first',
        params: endpointParams,
        querystring: pageQuery,
        response: withErrors({ 200: pageOf(WebhookDelivery) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      await findEndpoint(db, platformId, req.params.webhookId);
      const q = db.selectFrom('webhook_deliveries').where('platform_id', '=', platformId).where('endpoint_id', '=', req.params.webhookId);
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), webhookDeliveryView);
    },
  );

  app.post(
    '/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        summary: "Send a delivery's event to the endpoint again now",
        params: deliveryParams,
        response: withErrors({ 201: dataOf(WebhookDelivery) }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const { webhookId, deliveryId } = req.params;
      const row = await db.transaction().execute(async (trx) => {
        await findEndpoint(trx, platformId, webhookId);
        const original = await trx
          .selectFrom('webhook_deliveries')
          .selectAll()
          .where('platform_id', '=', platformId)
          .where('endpoint_id', '=', webhookId)
          .where('id', '=', deliveryId)
          .executeTakeFirst();
        if (!original) throw errors.notFound('Delivery');
        const now = nowIso(ctx);
        const series = trx
          .selectFrom('webhook_deliveries')
          .where('platform_id', '=', platformId)
          .where('endpoint_id', '=', webhookId)
          .where('event_id', '=', original.event_id);
        // An attempt already waiting is brought forward rather than doubled.
        const waiting = await series.selectAll().where('status', '=', 'pending').executeTakeFirst();
        if (waiting) {
          return trx
            .updateTable('webhook_deliveries')
            .set({ next_retry_at: now })
            .where('id', '=', waiting.id)
            .returningAll()
            .executeTakeFirstOrThrow();
        }
        const { last } = await series.select((eb) => eb.fn.max('attempt').as('last')).executeTakeFirstOrThrow();
        const values = {
          id: uuidv7(),
          platform_id: platformId,
          event_id: original.event_id,
          event_type: original.event_type,
          endpoint_id: webhookId,
          attempt: Number(last ?? 0) + 1,
          status: 'pending' as const,
          status_code: null,
          latency_ms: null,
          error: null,
          next_retry_at: now,
          retry_until: new Date(ctx.clock.now() + RETRY_WINDOW_MS).toISOString(),
          delivered_at: null,
          created_at: now,
        };
        await trx.insertInto('webhook_deliveries').values(values).execute();
        return values;
      });
      wakeWebhookWorker(ctx);
      return reply.code(201).send({ data: webhookDeliveryView(row) });
    },
  );

  app.post(
    '/webhooks/:webhookId/test',
    {
      schema: {
        tags,
        summary: 'Send a ping event to this endpoint',
        params: endpointParams,
        response: withErrors({ 201: dataOf(WebhookDelivery) }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const webhookId = req.params.webhookId;
      const delivery = await db.transaction().execute(async (trx) => {
        const endpoint = await findEndpoint(trx, platformId, webhookId);
        if (Number(endpoint.is_active) !== 1) throw errors.conflict('The webhook endpoint is disabled: set is_active to true to test it.');
        const enqueued = await enqueueWebhookEvent(trx, {
          platformId,
          eventType: 'ping',
          transactionId: uuidv7(),
          createdAt: nowIso(ctx),
          data: { platform_id: platformId, webhook_id: webhookId },
          endpointId: webhookId,
        });
        return trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', enqueued.deliveryIds[0]).executeTakeFirstOrThrow();
      });
      wakeWebhookWorker(ctx);
      return reply.code(201).send({ data: webhookDeliveryView(delivery) });
    },
  );
}
