/** Issuing keys: the raw key exists only in the create response; the database keeps its SHA-256. */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { generateKey, hashKey, keyPrefixOf } from '../../crypto/api-keys.js';
import { uuidv7 } from '../../crypto/ids.js';
import type { ApiKeysTable, Database } from '../../store/schema.js';
import type { IssuedKey as IssuedKeySchema } from '../responses.js';

export type IssuedKey = { row: ApiKeysTable; rawKey: string };

export async function issueKey(
  db: Kysely<Database>,
  opts: {
    kind: 'platform' | 'end_user';
    platformId: string;
    endUserId?: string;
    name?: string | null;
    expiresAt?: string | null;
    nowIso: string;
  },
): Promise<IssuedKey> {
  const rawKey = generateKey(opts.kind);
  const row: ApiKeysTable = {
    id: uuidv7(),
    kind: opts.kind,
    platform_id: opts.platformId,
    end_user_id: opts.endUserId ?? null,
    key_hash: hashKey(rawKey),
    key_prefix: keyPrefixOf(rawKey),
    name: opts.name ?? null,
    scopes: JSON.stringify(opts.kind === 'platform' ? ['management', 'inference'] : ['inference', 'self']),
    is_active: 1,
    last_used_at: null,
    expires_at: opts.expiresAt ? new Date(opts.expiresAt).toISOString() : null,
    created_at: opts.nowIso,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { row, rawKey };
}

/** The `api_key` object of create responses (quick start step 3). */
export function issuedKeyView(issued: IssuedKey): z.input<typeof IssuedKeySchema> {
  return { id: issued.row.id, key_prefix: issued.row.key_prefix, raw_key: issued.rawKey, expires_at: issued.row.expires_at };
}
