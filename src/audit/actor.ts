/** Who made a management write, as the audit row names them (spec §3b `actor`). */
import { hostname, userInfo } from 'node:os';
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

/**
 * A command an operator ran at the server (`assistiv platform create`, …): it has no principal, only the OS
 * account it ran as. The id is that account (user@host, what the actor filter matches); the label also names
 * the command, so a row reads on its own.
 */
export function cliActor(command: string): Actor {
  const who = `${osUser()}@${hostname()}`;
  return { type: 'cli', id: who, label: `assistiv ${command} (${who})` };
}

/** The gateway itself at startup: the catalogue seed applying price table `version` (after an upgrade). */
export function catalogueSeedActor(version: number): Actor {
  return { type: 'system', id: 'catalogue_seed', label: `catalogue seed (price table v${version})` };
}

function osUser(): string {
  // userInfo throws when the uid has no passwd entry (some containers): fall back to the environment, then the uid.
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}
