/** API key generation and hashing for the three key kinds (design §5). */
import { hash, randomBytes } from 'node:crypto';

export const keyPrefixes = { admin: 'sk-admin_', platform: 'sk-plat_', end_user: 'sk-eu_' } as const;
export type KeyKind = keyof typeof keyPrefixes;

/** A fresh raw key: prefix + 32 random bytes as hex. Shown once, stored only as its SHA-256. */
export function generateKey(kind: KeyKind): string {
  return keyPrefixes[kind] + randomBytes(32).toString('hex');
}

/** Keys are high-entropy, so a fast hash is enough and lets auth be a single indexed lookup. */
export function hashKey(raw: string): string {
  // The one-shot form: a third of createHash's CPU, on every authenticated request.
  return hash('sha256', raw);
}

/** The first 12 characters, kept for display (spec §0). */
export function keyPrefixOf(raw: string): string {
  return raw.slice(0, 12);
}

export function kindOfKey(raw: string): KeyKind | null {
  if (raw.startsWith(keyPrefixes.end_user)) return 'end_user';
  if (raw.startsWith(keyPrefixes.platform)) return 'platform';
  if (raw.startsWith(keyPrefixes.admin)) return 'admin';
  return null;
}
