/**
 * The durable outbox (spec §6): an event is written in the caller's transaction, the money movement's own,
 * with one pending delivery per subscribed active endpoint, so a commit keeps both and a rollback neither.
 * The worker sends them after the commit; a replayed movement (same event id) enqueues nothing.
 */
import type { Kysely } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import type { Database } from '../store/schema.js';
import { type OutboxEventType, subscribes, WEBHOOK_API_VERSION, type WebhookEnvelope, webhookEventId } from './events.js';

/** Deliveries are retried for this long after the event (spec §6: 24 h). */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type OutboxEvent = {
  platformId: string;
  eventType: OutboxEventType;
  /** The ledger transaction (or refused request) the event is about: the event id is `<transactionId>:<eventType>`. */
  transactionId: string;
  /** ISO-8601 UTC, from the caller's clock (the movement's own time). */
  createdAt: string;
  data: Record<string, unknown>;
  /** Appended to the event id, when one transaction raises several events of a type (a low balance per threshold: `:<p>%`). */
  idSuffix?: string;
  /** Send to this endpoint only, whatever it subscribes to (the `ping` of `POST …/test`). */
  endpointId?: string;
};

export type Enqueued = { eventId: string; enqueued: boolean; deliveryIds: string[] };

/** Adds the event and its pending deliveries using `trx`; call it inside the movement's transaction, then wake the worker after the commit. */
export async function enqueueWebhookEvent(trx: Kysely<Database>, event: OutboxEvent): Promise<Enqueued> {
  const eventId = webhookEventId(event.transactionId, event.eventType) + (event.idSuffix ?? '');
  const envelope: WebhookEnvelope = {
    event_type: event.eventType,
    event_id: eventId,
    api_version: WEBHOOK_API_VERSION,
    created_at: event.createdAt,
    data: event.data,
  };
  const inserted = await trx
    .insertInto('webhook_events')
    .values({
      id: eventId,
      platform_id: event.platformId,
      event_type: event.eventType,
      payload: JSON.stringify(envelope),
      created_at: event.createdAt,
    })
    .onConflict((oc) => oc.columns(['platform_id', 'id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { eventId, enqueued: false, deliveryIds: [] };

  let endpoints = trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('platform_id', '=', event.platformId)
    .where('is_active', '=', 1);
  if (event.endpointId) endpoints = endpoints.where('id', '=', event.endpointId);
  const targets = (await endpoints.execute()).filter(
    (e) => event.endpointId !== undefined || subscribes(JSON.parse(e.events) as string[], event.eventType),
  );
  if (targets.length === 0) return { eventId, enqueued: true, deliveryIds: [] };
  const retryUntil = new Date(Date.parse(event.createdAt) + RETRY_WINDOW_MS).toISOString();
  const rows = targets.map((e) => ({
    id: uuidv7(),
    platform_id: event.platformId,
    event_id: eventId,
    event_type: event.eventType,
    endpoint_id: e.id,
    attempt: 1,
    status: 'pending' as const,
    next_retry_at: event.createdAt,
    retry_until: retryUntil,
    created_at: event.createdAt,
  }));
  await trx.insertInto('webhook_deliveries').values(rows).execute();
  return { eventId, enqueued: true, deliveryIds: rows.map((r) => r.id) };
}
