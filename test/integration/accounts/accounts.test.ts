/**
 * Dashboard accounts (spec §3b) from the outside, on both databases: invite → accept → sign in → me → sign
 * out; and each bad input (weak or missing password, spent or expired invite, wrong password with back-off,
 * a removed or deactivated member's session, a missing CSRF header, a last-owner removal or demotion, a
 * foreign Origin) is a §1 error that changes nothing in the database: no member, invite, session or audit row
 * (a wrong password adds only its own member.sign_in_failed row and back-off count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { accountState, asMember, memberSession, signIn, tokenOf } from './members-helpers.js';

const password = 'correct horse battery';

describe.each(dialects)('dashboard accounts (%s)', (dialect) => {
  let gw: TestGateway;
  let offsetMs = 0;
  let platformId: string;
  let platformKey: string;
  const db = () => gw.ctx.store.db;
  const memberRow = (email: string) => db().selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst();

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock: { now: () => Date.now() + offsetMs } });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey));
  });
  afterAll(() => gw?.close());

  it('invite, accept, sign in (HttpOnly SameSite=Strict cookie, no Secure on plain-HTTP loopback), me, sign out', async () => {
    const invited = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, {
      email: 'Owner@Example.com',
      role: 'owner',
    });
    expect(invited.status).toBe(201);
    expect(invited.body.data.member).toMatchObject({ email: 'owner@example.com', role: 'owner', status: 'invited', is_active: true });
    expect(invited.body.data.invite_url).toMatch(new RegExp(`^${gw.url}/dashboard/#/invite/[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(invited.body.data.invite_url);
    // Only the token's digest is stored.
    const invite = await db().selectFrom('member_invites').selectAll().executeTakeFirstOrThrow();
    expect(invite.token_hash).not.toContain(token);
    expect(Date.parse(invite.expires_at) - Date.parse(invite.created_at)).toBe(7 * 24 * 3600 * 1000);

    const accepted = await client(gw.url).post(`/v1/auth/invites/${token}`, { password, display_name: 'Olive' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.data.member).toMatchObject({ status: 'active', display_name: 'Olive' });
    expect((await memberRow('owner@example.com'))?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);

    const s = await signIn(gw.url, 'OWNER@example.com', password);
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).toMatch(/Path=\//);
    expect(s.setCookie).not.toMatch(/Secure/);
    const me = await asMember(gw.url, s, 'GET', '/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({
      role: 'owner',
      csrf_token: s.csrf,
      platform: { id: platformId },
      member: { email: 'owner@example.com' },
    });
    const sessions = await db().selectFrom('member_sessions').selectAll().where('member_id', '=', s.memberId).execute();
    expect(sessions).toHaveLength(1);
    expect(Date.parse(sessions[0].expires_at) - Date.parse(sessions[0].created_at)).toBe(12 * 3600 * 1000);
    expect(sessions[0].id_hash).not.toContain(s.cookie.split('=')[1]);

    expectApiError(await asMember(gw.url, s, 'DELETE', '/v1/auth/sessions/current', undefined, { csrf: false }), 403, 'forbidden');
    const out = await asMember(gw.url, s, 'DELETE', '/v1/auth/sessions/current');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/assistiv_session=; Max-Age=0/);
    expectApiError(await asMember(gw.url, s, 'GET', '/v1/auth/me'), 401, 'invalid_api_key');
  });

  it('the session slides: used within 12 h it lives on, unused for 12 h it ends', async () => {
    const s = await signIn(gw.url, 'owner@example.com', password);
    offsetMs += 11 * 3600 * 1000;
    expect((await asMember(gw.url, s, 'GET', `/v1/platforms/${platformId}/wallet`)).status).toBe(200);
    offsetMs += 11 * 3600 * 1000;
    expect((await asMember(gw.url, s, 'GET', `/v1/platforms/${platformId}/wallet`)).status).toBe(200);
    offsetMs += 12 * 3600 * 1000 + 1000;
    expectApiError(await asMember(gw.url, s, 'GET', `/v1/platforms/${platformId}/wallet`), 401, 'invalid_api_key');
  });

  it('weak or missing passwords are 400s naming password; the invite stays unspent and the member unaccepted', async () => {
    const invited = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, {
      email: 'weak@example.com',
      role: 'viewer',
    });
    const token = tokenOf(invited.body.data.invite_url);
    const before = await accountState(db());
    expectApiError(
      await client(gw.url).post(`/v1/auth/invites/${token}`, { password: 'short-11chr' }),
      400,
      'validation_error',
      'password',
    );
    expectApiError(await client(gw.url).post(`/v1/auth/invites/${token}`, {}), 400, 'validation_error', 'password');
    expectApiError(
      await client(gw.url).post(`/v1/auth/invites/${token}`, { password: 12345678901234 }),
      400,
      'validation_error',
      'password',
    );
    expect(await accountState(db())).toEqual(before);
    expect(await memberRow('weak@example.com')).toMatchObject({ password_hash: null, accepted_at: null });
    expect(
      (await db().selectFrom('member_invites').select('spent_at').where('member_id', '=', invited.body.data.member.id).executeTakeFirst())
        ?.spent_at,
    ).toBeNull();
    // A member who has not accepted cannot sign in.
    expectApiError(
      await client(gw.url).post('/v1/auth/sessions', { email: 'weak@example.com', password: 'short-11chr' }),
      401,
      'invalid_credentials',
    );
  });

  it('a spent invite and an expired invite are 404s that change no password', async () => {
    const api = client(gw.url, platformKey);
    const a = await api.post(`/v1/platforms/${platformId}/members`, { email: 'spent@example.com', role: 'viewer' });
    const tokenA = tokenOf(a.body.data.invite_url);
    expect((await client(gw.url).post(`/v1/auth/invites/${tokenA}`, { password })).status).toBe(201);
    const hashBefore = (await memberRow('spent@example.com'))?.password_hash;
    const spentBefore = await accountState(db());
    expectApiError(await client(gw.url).post(`/v1/auth/invites/${tokenA}`, { password: 'another long password' }), 404, 'not_found');
    expect((await memberRow('spent@example.com'))?.password_hash).toBe(hashBefore);
    expect(await accountState(db())).toEqual(spentBefore);
    await signIn(gw.url, 'spent@example.com', password);

    const b = await api.post(`/v1/platforms/${platformId}/members`, { email: 'late@example.com', role: 'viewer' });
    offsetMs += 7 * 24 * 3600 * 1000 + 1000;
    const expiredBefore = await accountState(db());
    expectApiError(await client(gw.url).post(`/v1/auth/invites/${tokenOf(b.body.data.invite_url)}`, { password }), 404, 'not_found');
    expect(await memberRow('late@example.com')).toMatchObject({ password_hash: null, accepted_at: null });
    expectApiError(await client(gw.url).post('/v1/auth/invites/not-a-real-token', { password }), 404, 'not_found');
    expect(await accountState(db())).toEqual(expiredBefore);
  });

  it('wrong passwords are 401s; the sixth in a row locks the email (429 + Retry-After, even for the right password) until the lock ends', async () => {
    const typo = await memberSession(gw.url, platformKey, platformId, 'typo@example.com', 'viewer');
    const sessionsOf = () => db().selectFrom('member_sessions').selectAll().where('member_id', '=', typo.memberId).execute();
    const sessionsBefore = await sessionsOf();
    const before = await accountState(db());
    for (let i = 0; i < 5; i++) {
      expectApiError(
        await client(gw.url).post('/v1/auth/sessions', { email: 'typo@example.com', password: `wrong password ${i}` }),
        401,
        'invalid_credentials',
      );
    }
    const row = await db().selectFrom('sign_in_attempts').selectAll().where('key', '=', 'email:typo@example.com').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ failures: 5, blocked_until: null });
    expectApiError(
      await client(gw.url).post('/v1/auth/sessions', { email: 'typo@example.com', password: 'wrong password 5' }),
      401,
      'invalid_credentials',
    );
    const locked = await client(gw.url).post('/v1/auth/sessions', { email: 'typo@example.com', password });
    expectApiError(locked, 429, 'rate_limit_exceeded');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(25);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(await sessionsOf()).toEqual(sessionsBefore);
    // Six wrong passwords added six member.sign_in_failed rows naming the member and nothing else; the locked try none.
    const after = await accountState(db());
    expect({ ...after, audit: undefined }).toEqual({ ...before, audit: undefined });
    const added = after.audit.slice(before.audit.length);
    expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
    expect(added.map((r) => [r.action, r.actor_id, r.actor_label, r.changes])).toEqual(
      Array.from({ length: 6 }, () => ['member.sign_in_failed', typo.memberId, 'typo@example.com', '{}']),
    );
    expect(JSON.stringify(added)).not.toContain('wrong password');
    offsetMs += 31_000;
    await signIn(gw.url, 'typo@example.com', password);
    // A success clears the email's count.
    expect(
      await db().selectFrom('sign_in_attempts').selectAll().where('key', '=', 'email:typo@example.com').executeTakeFirst(),
    ).toBeUndefined();
    // The per-IP count kept growing: 6 failures from 127.0.0.1.
    expect(
      (await db().selectFrom('sign_in_attempts').selectAll().where('key', 'like', 'ip:%').executeTakeFirstOrThrow()).failures,
    ).toBeGreaterThanOrEqual(6);
  });

  it("a removed or deactivated member's session stops working at once", async () => {
    const removed = await memberSession(gw.url, platformKey, platformId, 'gone@example.com', 'developer');
    const paused = await memberSession(gw.url, platformKey, platformId, 'paused@example.com', 'developer');
    expect((await asMember(gw.url, removed, 'GET', `/v1/platforms/${platformId}/end-users`)).status).toBe(200);
    expect((await client(gw.url, platformKey).delete(`/v1/platforms/${platformId}/members/${removed.memberId}`)).status).toBe(204);
    expectApiError(await asMember(gw.url, removed, 'GET', `/v1/platforms/${platformId}/end-users`), 401, 'invalid_api_key');
    expect(await memberRow('gone@example.com')).toBeUndefined();
    const goneBefore = await accountState(db());
    const usersBefore = await db().selectFrom('end_users').selectAll().execute();
    expectApiError(
      await asMember(gw.url, removed, 'POST', `/v1/platforms/${platformId}/end-users`, { external_id: 'from-a-removed-member' }),
      401,
      'invalid_api_key',
    );
    expectApiError(await asMember(gw.url, removed, 'DELETE', '/v1/auth/sessions/current'), 401, 'invalid_api_key');
    expect(await accountState(db())).toEqual(goneBefore);
    expect(await db().selectFrom('end_users').selectAll().execute()).toEqual(usersBefore);

    const patched = await client(gw.url, platformKey).patch(`/v1/platforms/${platformId}/members/${paused.memberId}`, { is_active: false });
    expect(patched.body.data).toMatchObject({ is_active: false, status: 'inactive' });
    const before = await db().selectFrom('end_users').selectAll().execute();
    const pausedBefore = await accountState(db());
    expectApiError(
      await asMember(gw.url, paused, 'POST', `/v1/platforms/${platformId}/end-users`, { external_id: 'x' }),
      401,
      'invalid_api_key',
    );
    expect(await db().selectFrom('end_users').selectAll().execute()).toEqual(before);
    expect(await accountState(db())).toEqual(pausedBefore);
    expectApiError(await client(gw.url).post('/v1/auth/sessions', { email: 'paused@example.com', password }), 401, 'invalid_credentials');
  });

  it('a cookie write without x-csrf-token (or with another session’s) is a 403 that moves no money', async () => {
    const owner = await signIn(gw.url, 'owner@example.com', password);
    const other = await signIn(gw.url, 'spent@example.com', password);
    const before = (await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`)).body.data.balance;
    const path = `/v1/platforms/${platformId}/wallet/topup`;
    const stateBefore = await accountState(db());
    expectApiError(await asMember(gw.url, owner, 'POST', path, { amount: 5 }, { csrf: false }), 403, 'forbidden');
    expectApiError(
      await asMember(gw.url, owner, 'POST', path, { amount: 5 }, { csrf: false, headers: { 'x-csrf-token': other.csrf } }),
      403,
      'forbidden',
    );
    expect((await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`)).body.data.balance).toBe(before);
    expect(await db().selectFrom('wallet_transactions').selectAll().where('type', '=', 'top_up').execute()).toEqual([]);
    // Nor a sign-out or a member change without it.
    expectApiError(await asMember(gw.url, owner, 'DELETE', '/v1/auth/sessions/current', undefined, { csrf: false }), 403, 'forbidden');
    expectApiError(
      await asMember(
        gw.url,
        owner,
        'POST',
        `/v1/platforms/${platformId}/members`,
        { email: 'csrf@example.com', role: 'viewer' },
        { csrf: false },
      ),
      403,
      'forbidden',
    );
    expect(await accountState(db())).toEqual(stateBefore);
    const ok = await asMember(gw.url, owner, 'POST', path, { amount: 5 });
    expect(ok.status).toBe(201);
    expect(ok.body.data.wallet.balance).toBe(before + 5);
  });

  it('a session from another Origin is refused, and management CORS never allows credentials', async () => {
    const owner = await signIn(gw.url, 'owner@example.com', password);
    expectApiError(
      await asMember(gw.url, owner, 'GET', `/v1/platforms/${platformId}/wallet`, undefined, {
        headers: { origin: 'https://evil.example' },
      }),
      403,
      'forbidden',
    );
    const sameOrigin = await asMember(gw.url, owner, 'GET', `/v1/platforms/${platformId}/wallet`, undefined, {
      headers: { origin: gw.url },
    });
    expect(sameOrigin.status).toBe(200);
    const pre = await fetch(`${gw.url}/v1/auth/sessions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the last active owner cannot be removed, demoted or deactivated (409, nothing changes); with a second owner it can', async () => {
    const api = client(gw.url, platformKey);
    const owner = await memberRow('owner@example.com');
    if (!owner) throw new Error('no owner');
    const snapshot = async () => db().selectFrom('members').selectAll().orderBy('id').execute();
    const before = await snapshot();
    // An invited (not yet accepted) owner does not count.
    const pending = await api.post(`/v1/platforms/${platformId}/members`, { email: 'pending-owner@example.com', role: 'owner' });
    const withPending = await snapshot();
    const s = await signIn(gw.url, 'owner@example.com', password);
    const stateBefore = await accountState(db());
    expectApiError(await api.delete(`/v1/platforms/${platformId}/members/${owner.id}`), 409, 'conflict');
    expectApiError(await api.patch(`/v1/platforms/${platformId}/members/${owner.id}`, { role: 'admin' }), 409, 'conflict');
    expectApiError(await api.patch(`/v1/platforms/${platformId}/members/${owner.id}`, { is_active: false }), 409, 'conflict');
    expectApiError(await asMember(gw.url, s, 'DELETE', `/v1/platforms/${platformId}/members/${owner.id}`), 409, 'conflict');
    expectApiError(
      await asMember(gw.url, s, 'PATCH', `/v1/platforms/${platformId}/members/${owner.id}`, { role: 'viewer' }),
      409,
      'conflict',
    );
    expect(await snapshot()).toEqual(withPending);
    // Nothing changed: the owner's sessions live on and no audit row was written.
    expect(await accountState(db())).toEqual(stateBefore);
    expect(withPending.length).toBe(before.length + 1);

    await client(gw.url).post(`/v1/auth/invites/${tokenOf(pending.body.data.invite_url)}`, { password });
    const demoted = await api.patch(`/v1/platforms/${platformId}/members/${owner.id}`, { role: 'admin' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.data.role).toBe('admin');
  });

  it('an admin member cannot hand out the owner role; a duplicate email is a 409; sign-in asks for platform_id when ambiguous', async () => {
    const admin = await memberSession(gw.url, platformKey, platformId, 'admin@example.com', 'admin');
    expectApiError(
      await asMember(gw.url, admin, 'POST', `/v1/platforms/${platformId}/members`, { email: 'x@example.com', role: 'owner' }),
      403,
      'forbidden',
    );
    expect(await memberRow('x@example.com')).toBeUndefined();
    const dev = await asMember(gw.url, admin, 'POST', `/v1/platforms/${platformId}/members`, {
      email: 'dev@example.com',
      role: 'developer',
    });
    expect(dev.status).toBe(201);
    expectApiError(
      await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, { email: 'DEV@example.com', role: 'viewer' }),
      409,
      'conflict',
    );

    const second = await createPlatform(gw.url, gw.adminKey, 'Second');
    const again = await client(gw.url, second.platformKey).post(`/v1/platforms/${second.platformId}/members`, {
      email: 'admin@example.com',
      role: 'viewer',
    });
    expect((await client(gw.url).post(`/v1/auth/invites/${tokenOf(again.body.data.invite_url)}`, { password })).status).toBe(201);
    expectApiError(
      await client(gw.url).post('/v1/auth/sessions', { email: 'admin@example.com', password }),
      400,
      'validation_error',
      'platform_id',
    );
    await signIn(gw.url, 'admin@example.com', password, { platform_id: second.platformId });
    // A member of one platform cannot reach another.
    expectApiError(await asMember(gw.url, admin, 'GET', `/v1/platforms/${second.platformId}/wallet`), 403, 'forbidden');
  });

  it("a suspended platform's members are refused like its keys (403 platform_suspended), and served again once it is active", async () => {
    const other = await createPlatform(gw.url, gw.adminKey, 'Paused Co');
    const s = await memberSession(gw.url, other.platformKey, other.platformId, 'member@paused.example', 'owner');
    const admin = client(gw.url, gw.adminKey);
    expect((await admin.patch(`/v1/admin/platforms/${other.platformId}`, { is_active: false })).status).toBe(200);
    expectApiError(await asMember(gw.url, s, 'GET', `/v1/platforms/${other.platformId}/wallet`), 403, 'platform_suspended');
    expectApiError(
      await asMember(gw.url, s, 'POST', `/v1/platforms/${other.platformId}/wallet/topup`, { amount: 1 }),
      403,
      'platform_suspended',
    );
    expect((await admin.patch(`/v1/admin/platforms/${other.platformId}`, { is_active: true })).status).toBe(200);
    expect((await asMember(gw.url, s, 'GET', `/v1/platforms/${other.platformId}/wallet`)).body.data.balance).toBe(0);
  });

  it('GET /v1/auth/key-info names the platform of a platform key', async () => {
    const res = await client(gw.url, platformKey).get('/v1/auth/key-info');
    expect(res.body.data).toMatchObject({ kind: 'platform', platform: { id: platformId } });
    expect((await client(gw.url, gw.adminKey).get('/v1/auth/key-info')).body.data).toEqual({ kind: 'admin', platform: null });
    expectApiError(await client(gw.url, 'sk-plat_nope').get('/v1/auth/key-info'), 401, 'invalid_api_key');
  });
});
