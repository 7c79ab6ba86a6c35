// Webhook endpoints and delivery attempts as /v1/platforms/{id}/webhooks returns them (spec §3, §6).
import type { BodyOf } from '../api';
import type { Schemas } from '../api/schemas';

/** An endpoint; the signing secret is only in the create and rotate answers. */
export type WebhookEndpoint = Schemas['WebhookEndpoint'];

/** The create and rotate-secret answers: the endpoint with its `whsec_…` secret, shown once. */
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];

/** One delivery attempt; `retrying` means it failed and a later attempt is scheduled at `next_retry_at`. */
export type WebhookDelivery = Schemas['WebhookDelivery'];

/** An event name an endpoint subscribes to, or `*`. */
export type WebhookEvent = BodyOf<'/v1/platforms/{platformId}/webhooks', 'post'>['events'][number];

/** Subscribes to every event except the opt-in `budget.debited`. */
export const allEvents = '*';

/** The checkboxes of the events field: "all" first, then the eight events of spec §6. */
export const eventOptions: ReadonlyArray<{ value: WebhookEvent; label: string }> = [
  { value: allEvents, label: 'All events (*) — except budget.debited' },
  { value: 'budget.topped_up', label: 'budget.topped_up' },
  { value: 'budget.low_balance', label: 'budget.low_balance' },
  { value: 'budget.suspended', label: 'budget.suspended' },
  { value: 'budget.unsuspended', label: 'budget.unsuspended' },
  { value: 'budget.exhausted', label: 'budget.exhausted' },
  { value: 'budget.debited', label: 'budget.debited (opt-in: every debit)' },
  { value: 'wallet.topped_up', label: 'wallet.topped_up' },
  { value: 'wallet.low_balance', label: 'wallet.low_balance' },
];
