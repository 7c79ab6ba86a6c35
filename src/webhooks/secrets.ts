/** Endpoint signing secrets: `whsec_` + base64 of 32 random bytes (Standard Webhooks), sealed at rest. */
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';

/** The AAD of an endpoint's secret: a ciphertext copied to another endpoint or platform fails to open. */
export const webhookSecretAad = (platformId: string, endpointId: string) => `webhook:${platformId}:${endpointId}`;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function sealSecret(box: SecretBox, secret: string, platformId: string, endpointId: string): string {
  return box.encrypt(secret, webhookSecretAad(platformId, endpointId));
}

export function openSecret(box: SecretBox, sealed: string, platformId: string, endpointId: string): string {
  return box.decrypt(sealed, webhookSecretAad(platformId, endpointId));
}
