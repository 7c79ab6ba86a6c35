/** Response schemas of webhook endpoints and delivery attempts (spec §3 `/webhooks`, §6); never a stored secret. */
import { z } from 'zod';
import { timestamp } from '../responses.js';

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    platform_id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    is_active: z.boolean(),
    /** During a rotation: until when the previous secret still signs (null otherwise). */
    previous_secret_expires_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

/** Create and rotate-secret answers: the whsec_ signing secret, shown once. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({ secret: z.string() }).meta({ id: 'WebhookEndpointWithSecret' });

/** One attempt; `created_at` is when it was made (when it was scheduled, while `pending`). */
export const WebhookDelivery = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    endpoint_id: z.string(),
    attempt: z.number().int(),
    status: z.enum(['pending', 'delivered', 'failed', 'retrying']),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    next_retry_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
