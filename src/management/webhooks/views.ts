/** Webhook rows → API objects (spec §3 `/webhooks`, §6 attempt shape); the secret is never in a view. */
import type { z } from 'zod';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from '../../store/schema.js';
import type { WebhookDelivery, WebhookEndpoint } from './responses.js';

export const webhookEndpointView = (e: WebhookEndpointsTable): z.input<typeof WebhookEndpoint> => ({
  id: e.id,
  platform_id: e.platform_id,
  url: e.url,
  description: e.description,
  events: JSON.parse(e.events) as string[],
  is_active: Number(e.is_active) === 1,
  previous_secret_expires_at: e.previous_secret_expires_at,
  created_at: e.created_at,
  updated_at: e.updated_at,
});

/** One attempt; `created_at` is when it was made (when it was scheduled, while `pending`). */
export const webhookDeliveryView = (d: WebhookDeliveriesTable): z.input<typeof WebhookDelivery> => ({
  id: d.id,
  event_id: d.event_id,
  event_type: d.event_type,
  endpoint_id: d.endpoint_id,
  attempt: Number(d.attempt),
  status: d.status,
  status_code: d.status_code === null ? null : Number(d.status_code),
  latency_ms: d.latency_ms === null ? null : Number(d.latency_ms),
  error: d.error,
  next_retry_at: d.next_retry_at,
  delivered_at: d.delivered_at,
  created_at: d.created_at,
});
