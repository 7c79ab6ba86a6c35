/** The events of spec §6, their envelope, and which endpoints receive which. */

/** Every event an endpoint can subscribe to (spec §6). */
export const webhookEventTypes = [
  'budget.topped_up',
  'budget.low_balance',
  'budget.suspended',
  'budget.unsuspended',
  'budget.exhausted',
  'budget.debited',
  'wallet.topped_up',
  'wallet.low_balance',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** `ping` is sent by `POST …/webhooks/{id}/test` only, to that endpoint. */
export type OutboxEventType = WebhookEventType | 'ping';

/** Subscribes to every event except the opt-in ones. */
export const ALL_EVENTS = '*';

/** Delivered only to endpoints that list it by name (spec §6: opt-in), never through `*`. */
const optIn: ReadonlySet<string> = new Set<WebhookEventType>(['budget.debited']);

export const WEBHOOK_API_VERSION = '2026-11-01';

/** The envelope every delivery carries as its body (spec §6). */
export type WebhookEnvelope = {
  event_type: OutboxEventType;
  event_id: string;
  api_version: typeof WEBHOOK_API_VERSION;
  created_at: string;
  data: Record<string, unknown>;
};

/** `<transaction_id>:<event_type>` (spec §6): a replayed movement gets the same id, so it is enqueued once. */
export const webhookEventId = (transactionId: string, eventType: OutboxEventType) => `${transactionId}:${eventType}`;

/** Whether an endpoint subscribed to `subscribed` receives `eventType`. */
export function subscribes(subscribed: readonly string[], eventType: string): boolean {
  if (subscribed.includes(eventType)) return true;
  return subscribed.includes(ALL_EVENTS) && !optIn.has(eventType) && eventType !== 'ping';
}
