/** Members and their invites (spec §3b): create with a one-time link, change role or state, remove, accept. */
import type { Transaction } from 'kysely';
import type { InTransaction } from '../billing/in-transaction.js';
import { type AppContext, nowIso } from '../context.js';
import { uuidv7 } from '../crypto/ids.js';
import { ApiError, errors } from '../http/errors.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database, MembersTable } from '../store/schema.js';
import { recordFailure, recordSuccess, refuseIfLocked } from './backoff.js';
import { passwordProblem } from './password-rules.js';
import type { MemberRole } from './roles.js';
import { hashPassword, newToken, sha256, verifyPassword } from './secrets.js';

export const inviteTtlMs = 7 * 24 * 60 * 60 * 1000;

export const memberView = (m: MembersTable) => ({
  id: m.id,
  platform_id: m.platform_id,
  email: m.email,
  display_name: m.display_name,
  role: m.role,
  is_active: m.is_active === 1,
  status: m.is_active !== 1 ? ('inactive' as const) : m.accepted_at ? ('active' as const) : ('invited' as const),
  accepted_at: m.accepted_at,
  created_at: m.created_at,
  updated_at: m.updated_at,
});

/** Creates a member (platform member, or operator with platformId null) and its invite; returns the raw token once. */
export async function createMember(
  ctx: AppContext,
  input: { platformId: string | null; email: string; role: MemberRole },
  /** Runs in the creating transaction (the management API's audit row). */
  alsoInTransaction?: InTransaction<MembersTable>,
) {
  const nowMs = ctx.clock.now();
  const now = new Date(nowMs).toISOString();
  const token = newToken();
  const member: MembersTable = {
    id: uuidv7(),
    platform_id: input.platformId,
    email: input.email.toLowerCase(),
    display_name: null,
    role: input.role,
    password_hash: null,
    is_active: 1,
    accepted_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('members').values(member).execute();
      await trx
        .insertInto('member_invites')
        .values({
          token_hash: sha256(token),
          member_id: member.id,
          platform_id: input.platformId,
          expires_at: new Date(nowMs + inviteTtlMs).toISOString(),
          spent_at: null,
          created_at: now,
        })
        .execute();
      await alsoInTransaction?.(trx, member);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw errors.conflict(`A member with email ${member.email} already exists here.`);
    throw err;
  }
  return { member, token };
}

/** Active owners who accepted their invite, locked until the transaction ends (spec §3b "last active owner"). */
async function activeOwnerIds(ctx: AppContext, trx: Transaction<Database>, platformId: string): Promise<string[]> {
  const rows = await ctx.store
    .forUpdate(
      trx
        .selectFrom('members')
        .select('id')
        .where('platform_id', '=', platformId)
        .where('role', '=', 'owner')
        .where('is_active', '=', 1)
        .where('accepted_at', 'is not', null),
    )
    .execute();
  return rows.map((r) => r.id);
}

const lastOwner = () =>
  errors.conflict('This is the last active owner of the platform: make another member owner first, then change or remove this one.');

/** PATCH { role?, is_active? }; a change that would leave no active owner is a 409 and changes nothing. */
export async function updateMember(
  ctx: AppContext,
  platformId: string,
  memberId: string,
  change: { role?: MemberRole; is_active?: boolean },
  alsoInTransaction?: InTransaction<{ before: MembersTable; after: MembersTable }>,
): Promise<MembersTable> {
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const owners = await activeOwnerIds(ctx, trx, platformId);
    const current = await trx
      .selectFrom('members')
      .selectAll()
      .where('id', '=', memberId)
      .where('platform_id', '=', platformId)
      .executeTakeFirst();
    if (!current) throw errors.notFound('Member');
    const staysOwner = (change.role ?? current.role) === 'owner' && (change.is_active ?? current.is_active === 1);
    if (owners.includes(memberId) && !staysOwner && owners.length <= 1) throw lastOwner();
    const after = await trx
      .updateTable('members')
      .set({
        ...(change.role !== undefined && { role: change.role }),
        ...(change.is_active !== undefined && { is_active: change.is_active ? 1 : 0 }),
        updated_at: nowIso(ctx),
      })
      .where('id', '=', memberId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await alsoInTransaction?.(trx, { before: current, after });
    return after;
  });
  if (change.is_active === false) await ctx.store.db.deleteFrom('member_sessions').where('member_id', '=', memberId).execute();
  return row;
}

/** Removes a member with its invites and sessions; the last active owner cannot be removed (409). */
export async function deleteMember(
  ctx: AppContext,
  platformId: string,
  memberId: string,
  alsoInTransaction?: InTransaction<MembersTable>,
): Promise<MembersTable> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const owners = await activeOwnerIds(ctx, trx, platformId);
    const current = await trx
      .selectFrom('members')
      .selectAll()
      .where('id', '=', memberId)
      .where('platform_id', '=', platformId)
      .executeTakeFirst();
    if (!current) throw errors.notFound('Member');
    if (owners.includes(memberId) && owners.length <= 1) throw lastOwner();
    await trx.deleteFrom('member_sessions').where('member_id', '=', memberId).execute();
    await trx.deleteFrom('member_invites').where('member_id', '=', memberId).execute();
    await trx.deleteFrom('members').where('id', '=', memberId).execute();
    await alsoInTransaction?.(trx, current);
    return current;
  });
}

const badInvite = () =>
  errors.notFound('Invite (the link is unknown, already used or expired: ask an admin of the platform for a new one)');

/**
 * Spends an invite: sets the password (and display name), marks the member accepted; 404 for an unknown, spent or
 * expired link, 400 naming password for a weak one (password-rules.ts: it may not contain the member's email name).
 */
export async function acceptInvite(
  ctx: AppContext,
  token: string,
  input: { password: string; displayName?: string },
  /** Runs in the accepting transaction (the audit row). */
  alsoInTransaction?: InTransaction<{ before: MembersTable; after: MembersTable }>,
) {
  // Read first for the member's email (the password rules need it), outside the transaction: the hash takes ~60 ms.
  const invited = await ctx.store.db
    .selectFrom('member_invites')
    .innerJoin('members', 'members.id', 'member_invites.member_id')
    .select(['members.email', 'member_invites.spent_at', 'member_invites.expires_at'])
    .where('member_invites.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!invited || invited.spent_at !== null || Date.parse(invited.expires_at) <= ctx.clock.now()) throw badInvite();
  const problem = passwordProblem(input.password, invited.email);
  if (problem) throw errors.validation('password', problem);
  const passwordHash = await hashPassword(input.password);
  const now = nowIso(ctx);
  return ctx.store.db.transaction().execute(async (trx) => {
    const invite = await trx.selectFrom('member_invites').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    if (!invite || invite.spent_at !== null || Date.parse(invite.expires_at) <= ctx.clock.now()) throw badInvite();
    // Spent by a compare-and-set: of two concurrent accepts, one wins.
    const spent = await trx
      .updateTable('member_invites')
      .set({ spent_at: now })
      .where('token_hash', '=', invite.token_hash)
      .where('spent_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw badInvite();
    const before = await trx.selectFrom('members').selectAll().where('id', '=', invite.member_id).executeTakeFirst();
    const member = await trx
      .updateTable('members')
      .set({
        password_hash: passwordHash,
        accepted_at: now,
        updated_at: now,
        ...(input.displayName !== undefined && { display_name: input.displayName }),
      })
      .where('id', '=', invite.member_id)
      .where('is_active', '=', 1)
      .returningAll()
      .executeTakeFirst();
    if (!member || !before) throw badInvite();
    await alsoInTransaction?.(trx, { before, after: member });
    return member;
  });
}

/**
 * A signed-in member changes its password: the current one must match (a wrong one is a 401 counted by the
 * sign-in back-off, per email and IP, and changes nothing); the new one follows the invite's rules and differs
 * from the current one (400 naming new_password). Stores the new hash and ends every other session of the
 * member, with the audit row, in one transaction; the session `keepSession` (its cookie value) stays.
 */
export async function changePassword(
  ctx: AppContext,
  who: { memberId: string; email: string; ip: string; keepSession: string },
  input: { current: string; next: string },
  alsoInTransaction?: InTransaction<{ before: MembersTable; after: MembersTable }>,
): Promise<MembersTable> {
  await refuseIfLocked(ctx, who.email, who.ip);
  const current = await ctx.store.db.selectFrom('members').selectAll().where('id', '=', who.memberId).executeTakeFirstOrThrow();
  if (!current.password_hash || !(await verifyPassword(input.current, current.password_hash))) {
    await recordFailure(ctx, who.email, who.ip);
    throw new ApiError(401, 'invalid_credentials', 'Wrong current password.');
  }
  await recordSuccess(ctx, who.email);
  if (input.next.normalize('NFKC') === input.current.normalize('NFKC')) {
    throw errors.validation('new_password', 'new_password must differ from your current password.');
  }
  const problem = passwordProblem(input.next, current.email);
  if (problem) throw errors.validation('new_password', problem.replace(/^password /, 'new_password '));
  const passwordHash = await hashPassword(input.next);
  return ctx.store.db.transaction().execute(async (trx) => {
    // Compare-and-set on the old hash: of two concurrent changes, one wins; the other changes nothing.
    const after = await trx
      .updateTable('members')
      .set({ password_hash: passwordHash, updated_at: nowIso(ctx) })
      .where('id', '=', current.id)
      .where('password_hash', '=', current.password_hash)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw errors.conflict('Your password was changed meanwhile: sign in again and retry.');
    await trx.deleteFrom('member_sessions').where('member_id', '=', current.id).where('id_hash', '!=', sha256(who.keepSession)).execute();
    await alsoInTransaction?.(trx, { before: current, after });
    return after;
  });
}
