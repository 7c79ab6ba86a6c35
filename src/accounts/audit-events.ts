/**
 * Audit rows for signing in and out, accepting an invite and changing a password (spec §3b). Each is written in the transaction of
 * its own write: the session opened or closed, the back-off count of a failed sign-in, the invite spent. The
 * actor is the member (an operator member as "operator"); a password is never recorded, only that it changed.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { diffChanges, memberActor, writeAudit } from '../audit/index.js';
import type { AppContext } from '../context.js';
import type { MemberPrincipal } from '../http/auth.js';
import type { Database, MembersTable } from '../store/schema.js';
import { memberView } from './members.js';

type Member = Pick<MembersTable, 'id' | 'platform_id' | 'email'>;

const row = (action: string, member: Member) => ({
  action,
  resourceType: 'member',
  resourceId: member.id,
  changes: {},
  platformId: member.platform_id,
});

export const auditSignIn = (ctx: AppContext, req: FastifyRequest, member: Member) => (trx: Kysely<Database>) =>
  writeAudit(ctx, trx, req, row('member.sign_in', member), memberActor(member));

/**
 * A wrong password: one row per member the email could have meant (each platform sees attempts on its own
 * members), or, for an email that names no member, one row of no platform (the operator's log) labelled by it.
 */
export const auditFailedSignIn = (ctx: AppContext, req: FastifyRequest, email: string, candidates: Member[]) =>
  async function write(trx: Kysely<Database>) {
    if (candidates.length === 0) {
      const unknown: Member = { id: 'unknown', platform_id: null, email };
      await writeAudit(
        ctx,
        trx,
        req,
        { ...row('member.sign_in_failed', unknown), resourceId: null },
        {
          type: 'member',
          id: 'unknown',
          label: email,
        },
      );
      return;
    }
    for (const m of candidates) await writeAudit(ctx, trx, req, row('member.sign_in_failed', m), memberActor(m));
  };

export const auditSignOut = (ctx: AppContext, req: FastifyRequest, member: MemberPrincipal) => (trx: Kysely<Database>) => {
  const m: Member = { id: member.memberId, platform_id: member.platformId, email: member.email };
  return writeAudit(ctx, trx, req, row('member.sign_out', m), memberActor(m));
};

/** A member set its password (accepting its invite, or changing it): recorded as "changed" only, never its value or hash. */
const auditPasswordSet =
  (action: 'member.accept_invite' | 'member.password_change') =>
  (ctx: AppContext, req: FastifyRequest) =>
  (trx: Kysely<Database>, { before, after }: { before: MembersTable; after: MembersTable }) =>
    writeAudit(
      ctx,
      trx,
      req,
      { ...row(action, after), changes: diffChanges(memberView(before), memberView(after), ['password']) },
      memberActor(after),
    );

export const auditInviteAccepted = auditPasswordSet('member.accept_invite');
export const auditPasswordChanged = auditPasswordSet('member.password_change');
