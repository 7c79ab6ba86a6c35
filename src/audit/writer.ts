/**
 * Appends audit rows. Every management write calls `audited` (or hands `auditIn` to billing) so that its row is
 * inserted in the same transaction as the write: a write that rolls back leaves no row, and a row that cannot
 * be written rolls the write back. Changes made outside the HTTP API (CLI commands, the startup catalogue seed)
 * call `writeAuditOutside` in their own transaction the same way. Nothing here updates or deletes a row
 * (src/audit/append-only.test.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { uuidv7 } from '../crypto/ids.js';
import { scopedPlatformId } from '../http/hooks.js';
import type { Database } from '../store/schema.js';
import { type Actor, actorOf } from './actor.js';
import type { Changes } from './changes.js';

/** What a write records; platformId defaults to the platform of the route's path (null on admin routes). */
export type AuditEntry = {
  action: string;
  resourceType: string;
  resourceId: string | null;
  changes: Changes;
  platformId?: string | null;
};

/** User agents are client-chosen text: bounded so one request cannot bloat the log. */
const USER_AGENT_MAX_CHARS = 512;

/**
 * Inserts one audit row for `req` in `trx` (the write's own transaction). `actor` is for requests that have no
 * principal yet: sign-in and invite acceptance name the member they act as.
 */
export async function writeAudit(
  ctx: Pick<AppContext, 'clock'>,
  trx: Kysely<Database>,
  req: FastifyRequest,
  entry: AuditEntry,
  actor?: Actor,
) {
  const who = actor ?? (await actorOf(trx, req.principal));
  const ua = req.headers['user-agent'];
  await insertRow(trx, who, entry.platformId !== undefined ? entry.platformId : (scopedPlatformId(req) ?? null), entry, {
    requestId: req.id,
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, USER_AGENT_MAX_CHARS) : null,
    createdAt: new Date(ctx.clock.now()).toISOString(),
  });
}

/**
 * A change made outside the HTTP API (a CLI command, the startup seed) by `actor`. There is no request: `id`
 * (one per run) takes request_id's place, so the rows of one run group as a request's do.
 */
export type AuditRun = { actor: Actor; id: string };

export const auditRun = (actor: Actor): AuditRun => ({ actor, id: uuidv7() });

/** Inserts one row for a change outside the HTTP API, in `trx` (the change's own transaction). */
export async function writeAuditOutside(trx: Kysely<Database>, run: AuditRun, nowIso: string, entry: AuditEntry) {
  await insertRow(trx, run.actor, entry.platformId ?? null, entry, { requestId: run.id, ip: null, userAgent: null, createdAt: nowIso });
}

type Origin = { requestId: string; ip: string | null; userAgent: string | null; createdAt: string };

async function insertRow(trx: Kysely<Database>, who: Actor, platformId: string | null, entry: AuditEntry, origin: Origin) {
  await trx
    .insertInto('audit_log')
    .values({
      id: uuidv7(),
      platform_id: platformId,
      actor_type: who.type,
      actor_id: who.id,
      actor_label: who.label,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      changes: JSON.stringify(entry.changes),
      request_id: origin.requestId,
      ip: origin.ip,
      user_agent: origin.userAgent,
      created_at: origin.createdAt,
    })
    .execute();
}

/** Runs `write` in a transaction and appends its audit row in the same transaction; returns the write's result. */
export async function audited<T>(
  ctx: Pick<AppContext, 'clock' | 'store'>,
  req: FastifyRequest,
  write: (trx: Kysely<Database>) => Promise<{ result: T; audit: AuditEntry }>,
): Promise<T> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const { result, audit } = await write(trx);
    await writeAudit(ctx, trx, req, audit);
    return result;
  });
}

/** For billing's movements: a callback that writes the row (built from the movement's result) in billing's transaction. */
export function auditIn<R>(ctx: Pick<AppContext, 'clock'>, req: FastifyRequest, entryOf: (result: R) => AuditEntry) {
  return (trx: Kysely<Database>, result: R) => writeAudit(ctx, trx, req, entryOf(result));
}
