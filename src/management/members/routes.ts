/** A platform's members (spec §3b): invite (link shown once), list, change role or state, remove. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inviteUrl, originOf } from '../../accounts/invite-url.js';
import { createMember, deleteMember, memberView, updateMember } from '../../accounts/members.js';
import { type MemberRole, memberRoles, roleAtLeast } from '../../accounts/roles.js';
import { auditIn, diffChanges } from '../../audit/index.js';
import type { AppContext } from '../../context.js';
import type { Principal } from '../../http/auth.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import { dataOf, noContent, pageOf, withErrors } from '../responses.js';
import { Member, MemberInvite } from './responses.js';

const tags = ['Members'];
const memberParams = z.object({ platformId: z.string(), memberId: z.uuid() });

/** A member cannot hand out (or take away) a role above its own: an admin makes no owners. */
function requireRoleReach(principal: Principal | null, ...roles: Array<MemberRole | undefined>) {
  if (principal?.kind !== 'member' || principal.platformId === null) return;
  for (const role of roles) {
    if (role && !roleAtLeast(principal.role, role))
      throw errors.forbidden(`Your role (${principal.role}) cannot grant or change the ${role} role.`);
  }
}

export function registerMemberRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  app.get(
    '/members',
    {
      schema: {
        tags,
        summary: 'List members (invited, active and inactive)',
        querystring: pageQuery,
        response: withErrors({ 200: pageOf(Member) }),
      },
    },
    async (req) =>
      listPage(
        db.selectFrom('members').where('platform_id', '=', platformIdOf(req)),
        req.query,
        (q) => q.selectAll().orderBy('id', 'desc'),
        memberView,
      ),
  );

  app.get(
    '/members/:memberId',
    { schema: { tags, summary: 'Get a member', params: memberParams, response: withErrors({ 200: dataOf(Member) }) } },
    async (req) => {
      const row = await db
        .selectFrom('members')
        .selectAll()
        .where('id', '=', req.params.memberId)
        .where('platform_id', '=', platformIdOf(req))
        .executeTakeFirst();
      if (!row) throw errors.notFound('Member');
      return { data: memberView(row) };
    },
  );

  app.post(
    '/members',
    {
      schema: {
        tags,
        summary: 'Invite a member: returns a one-time set-password link (valid 7 days), shown once',
        body: z.object({ email: z.email().max(320), role: z.enum(memberRoles) }).strict(),
        response: withErrors({ 201: dataOf(MemberInvite) }),
      },
    },
    async (req, reply) => {
      requireRoleReach(req.principal, req.body.role);
      const { member, token } = await createMember(
        ctx,
        { platformId: platformIdOf(req), email: req.body.email, role: req.body.role },
        auditIn(ctx, req, (m) => ({
          action: 'member.invite',
          resourceType: 'member',
          resourceId: m.id,
          changes: diffChanges(null, memberView(m)),
        })),
      );
      return reply.code(201).send({ data: { member: memberView(member), invite_url: inviteUrl(originOf(req), token) } });
    },
  );

  app.patch(
    '/members/:memberId',
    {
      schema: {
        tags,
        summary: 'Change a member’s role or deactivate it (the last active owner stays)',
        params: memberParams,
        body: z.object({ role: z.enum(memberRoles).optional(), is_active: z.boolean().optional() }).strict(),
        response: withErrors({ 200: dataOf(Member) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      const current = await db
        .selectFrom('members')
        .select('role')
        .where('id', '=', req.params.memberId)
        .where('platform_id', '=', platformId)
        .executeTakeFirst();
      if (!current) throw errors.notFound('Member');
      requireRoleReach(req.principal, req.body.role, current.role);
      const updated = await updateMember(
        ctx,
        platformId,
        req.params.memberId,
        req.body,
        auditIn(ctx, req, ({ before, after }) => ({
          action: 'member.update',
          resourceType: 'member',
          resourceId: after.id,
          changes: diffChanges(memberView(before), memberView(after)),
        })),
      );
      return { data: memberView(updated) };
    },
  );

  app.delete(
    '/members/:memberId',
    {
      schema: {
        tags,
        summary: 'Remove a member (its sessions end at once)',
        params: memberParams,
        response: withErrors({ 204: noContent }),
      },
    },
    async (req, reply) => {
      const platformId = platformIdOf(req);
      const current = await db
        .selectFrom('members')
        .select('role')
        .where('id', '=', req.params.memberId)
        .where('platform_id', '=', platformId)
        .executeTakeFirst();
      if (!current) throw errors.notFound('Member');
      requireRoleReach(req.principal, current.role);
      await deleteMember(
        ctx,
        platformId,
        req.params.memberId,
        auditIn(ctx, req, (m) => ({
          action: 'member.remove',
          resourceType: 'member',
          resourceId: m.id,
          changes: diffChanges(memberView(m), null),
        })),
      );
      return reply.code(204).send();
    },
  );
}
