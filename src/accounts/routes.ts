/**
 * `/v1/auth/*` (spec §3b): accept an invite, sign in and out, who am I, change your password; and which platform a
 * key belongs to.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { keyFromRequest, type MemberPrincipal } from '../http/auth.js';
import { ApiError, errors } from '../http/errors.js';
import { AcceptedInvite, KeyInfo, Session } from '../management/members/responses.js';
import { dataOf, noContent, withErrors } from '../management/responses.js';
import { platformView } from '../management/views.js';
import { auditFailedSignIn, auditInviteAccepted, auditPasswordChanged, auditSignIn, auditSignOut } from './audit-events.js';
import { recordFailure, recordSuccess, refuseIfLocked } from './backoff.js';
import { acceptInvite, changePassword, memberView } from './members.js';
import { maxPasswordLength, minPasswordLength } from './password-rules.js';
import { decoyHash, verifyPassword } from './secrets.js';
import {
  clearSessionCookie,
  closeSession,
  memberOfSession,
  openSession,
  requireCsrf,
  requireSameOrigin,
  sessionCookieOf,
  setSessionCookie,
} from './sessions.js';

const tags = ['Dashboard accounts'];

const newPassword = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .min(minPasswordLength, `${name} must be at least ${minPasswordLength} characters`)
    .max(maxPasswordLength, `${name} must be at most ${maxPasswordLength} characters`);
const password = newPassword('password');

const wrongCredentials = () => new ApiError(401, 'invalid_credentials', 'Wrong email or password.');

async function sessionMember(ctx: AppContext, req: FastifyRequest): Promise<{ cookie: string; member: MemberPrincipal }> {
  const cookie = sessionCookieOf(req);
  if (!cookie) throw errors.invalidKey('Not signed in: no dashboard session cookie.');
  requireSameOrigin(req);
  return { cookie, member: (await memberOfSession(ctx, cookie)).member };
}

/** The body of sign-in and GET /v1/auth/me. */
async function sessionView(ctx: AppContext, memberId: string, csrfToken: string) {
  const member = await ctx.store.db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
  const platform = member.platform_id
    ? await ctx.store.db.selectFrom('platforms').selectAll().where('id', '=', member.platform_id).executeTakeFirst()
    : undefined;
  return { member: memberView(member), platform: platform ? platformView(platform) : null, role: member.role, csrf_token: csrfToken };
}

export function registerAuthRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;

  app.post(
    '/invites/:token',
    {
      schema: {
        tags,
        summary: 'Accept an invite: set your password (at least 12 characters)',
        params: z.object({ token: z.string().min(1).max(200) }),
        body: z.object({ password, display_name: z.string().trim().min(1).max(255).optional() }).strict(),
        response: withErrors({ 201: dataOf(AcceptedInvite) }),
      },
    },
    async (req, reply) => {
      const member = await acceptInvite(
        ctx,
        req.params.token,
        { password: req.body.password, displayName: req.body.display_name },
        auditInviteAccepted(ctx, req),
      );
      return reply.code(201).send({ data: { member: memberView(member) } });
    },
  );

  app.post(
    '/sessions',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password (sets the session cookie)',
        description:
          'An email that belongs to members of several platforms (with the same password) needs platform_id; null picks the operator account.',
        body: z
          .object({
            email: z.string().trim().min(1).max(320),
            password: z.string({ error: 'password is required' }).min(1, 'password is required').max(1024),
            platform_id: z.uuid().nullable().optional(),
          })
          .strict(),
        response: withErrors({ 201: dataOf(Session) }),
      },
    },
    async (req, reply) => {
      const email = req.body.email.toLowerCase();
      await refuseIfLocked(ctx, email, req.ip);
      let q = db
        .selectFrom('members')
        .selectAll()
        .where('email', '=', email)
        .where('is_active', '=', 1)
        .where('accepted_at', 'is not', null);
      if (req.body.platform_id === null) q = q.where('platform_id', 'is', null);
      else if (req.body.platform_id !== undefined) q = q.where('platform_id', '=', req.body.platform_id);
      const candidates = await q.execute();
      const matches = [];
      for (const m of candidates) if (m.password_hash && (await verifyPassword(req.body.password, m.password_hash))) matches.push(m);
      if (candidates.length === 0) await verifyPassword(req.body.password, await decoyHash());
      if (matches.length === 0) {
        await recordFailure(ctx, email, req.ip, auditFailedSignIn(ctx, req, email, candidates));
        throw wrongCredentials();
      }
      if (matches.length > 1) {
        throw errors.validation(
          'platform_id',
          'This email signs in to several platforms: pass platform_id (null for the operator account).',
        );
      }
      await recordSuccess(ctx, email);
      const { value, csrfToken } = await openSession(ctx, matches[0], auditSignIn(ctx, req, matches[0]));
      setSessionCookie(req, reply, value);
      return reply.code(201).send({ data: await sessionView(ctx, matches[0].id, csrfToken) });
    },
  );

  const signOut = { tags, summary: 'Sign out (needs x-csrf-token)', response: withErrors({ 204: noContent }) };
  app.delete('/sessions/current', { schema: signOut }, async (req, reply) => {
    const { cookie, member } = await sessionMember(ctx, req);
    requireCsrf(req, member);
    await closeSession(ctx, cookie, auditSignOut(ctx, req, member));
    clearSessionCookie(req, reply);
    return reply.code(204).send();
  });

  // Who is calling is settled before the body is read (onRequest): no credential is a 401 and a key a 403, as on
  // every other route, whatever the body; the handler takes the session found here.
  const passwordCallers = new WeakMap<FastifyRequest, { cookie: string; member: MemberPrincipal }>();
  app.post(
    '/password',
    {
      onRequest: async (req) => {
        if (!sessionCookieOf(req) && keyFromRequest(req, true) !== undefined) {
          throw errors.forbidden('Changing a password needs a dashboard member session (email and password): an API key has none.');
        }
        passwordCallers.set(req, await sessionMember(ctx, req));
      },
      schema: {
        tags,
        summary: 'Change your password (member session only, needs x-csrf-token); signs out your other sessions',
        description:
          'Wrong current_password is a 401 invalid_credentials counted by the sign-in back-off. new_password follows the invite rules ' +
          'and must differ from the current one. The session making the call stays signed in; every other one of the member ends.',
        body: z
          .object({
            current_password: z.string({ error: 'current_password is required' }).min(1, 'current_password is required').max(1024),
            new_password: newPassword('new_password'),
          })
          .strict(),
        response: withErrors({ 200: dataOf(AcceptedInvite) }),
      },
    },
    async (req) => {
      const { cookie, member } = passwordCallers.get(req) ?? (await sessionMember(ctx, req));
      requireCsrf(req, member);
      const changed = await changePassword(
        ctx,
        { memberId: member.memberId, email: member.email, ip: req.ip, keepSession: cookie },
        { current: req.body.current_password, next: req.body.new_password },
        auditPasswordChanged(ctx, req),
      );
      return { data: { member: memberView(changed) } };
    },
  );

  const me = { tags, summary: 'The signed-in member, its platform, role and CSRF token', response: withErrors({ 200: dataOf(Session) }) };
  app.get('/me', { schema: me }, async (req) => {
    const { member } = await sessionMember(ctx, req);
    return { data: await sessionView(ctx, member.memberId, member.csrfToken) };
  });

  app.get(
    '/key-info',
    {
      schema: {
        tags,
        summary: 'Which kind of key this is and its platform (for the dashboard key sign-in)',
        response: withErrors({ 200: dataOf(KeyInfo) }),
      },
    },
    async (req) => {
      const principal = await ctx.auth.authenticate(keyFromRequest(req, false), ['platform', 'admin']);
      if (principal.kind !== 'platform') return { data: { kind: 'admin' as const, platform: null } };
      const platform = await db.selectFrom('platforms').selectAll().where('id', '=', principal.platformId).executeTakeFirstOrThrow();
      return { data: { kind: 'platform' as const, platform: platformView(platform) } };
    },
  );
}
