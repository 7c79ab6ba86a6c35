/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): HMAC-SHA256 of `${id}.${timestamp}.${body}`
 * keyed by the base64 part of the `whsec_` secret, sent as `v1,<base64>`; several are space-separated.
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';

export function signatureOf(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;
}

/** The three headers of a delivery; every secret given signs (the current one and, during rotation, the previous). */
export function signedHeaders(secrets: readonly string[], id: string, timestampSec: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': secrets.map((s) => signatureOf(s, id, timestampSec, body)).join(' '),
  };
}
