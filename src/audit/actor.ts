/** Who made a management write, as the audit row names them (spec §3b `actor`). */
import type { Kysely } from 'kysely';
import type { Principal } from '../http/auth.js';
import type { AuditLogTable, Database } from '../store/schema.js';

export type Actor = { type: AuditLogTable['actor_type']; id: string; label: string };

/** The admin key has no row of its own: one fixed id and label. */
const ADMIN_KEY: Actor = { type: 'admin_key', id: 'admin', label: 'admin key' };

/** The actor of a principal; a platform key is labelled by its prefix (read in the write's transaction). */
export async function actorOf(trx: Kysely<Database>, principal: Principal | null): Promise<Actor> {
  if (!principal) throw new Error('audit: a management write without a principal');
  switch (principal.kind) {
    case 'admin':
      return ADMIN_KEY;
    case 'end_user':
      throw new Error('audit: end-user keys make no management writes');
    case 'platform': {
      const key = await trx.selectFrom('api_keys').select('key_prefix').where('id', '=', principal.keyId).executeTakeFirst();
      return { type: 'platform_key', id: principal.keyId, label: key?.key_prefix ?? principal.keyId };
    }
    case 'member':
      // A dashboard member (spec §3b); an operator member has no platform.
      return { type: principal.platformId === null ? 'operator' : 'member', id: principal.memberId, label: principal.email };
    default: {
      const unknown: never = principal;
      throw new Error(`audit: unknown principal ${JSON.stringify(unknown)}`);
    }
  }
}

/** A member acting for itself (signing in or out, accepting its invite): an operator member has no platform. */
export function memberActor(member: { id: string; platform_id: string | null; email: string }): Actor {
  return { type: member.platform_id === null ? 'operator' : 'member', id: member.id, label: member.email };
}
