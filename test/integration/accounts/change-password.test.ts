/**
 * A signed-in member changes its password (spec §3b, `POST /v1/auth/password`), on both databases: the old
 * password stops working and the new one works; every other session of the member ends while the calling one
 * stays; one `member.password_change` audit row says only "changed". A wrong current password is a 401 counted
 * by the sign-in back-off (locked after 5 per email) and changes nothing; a weak or unchanged new password is a
 * 400 naming new_password; no CSRF token, or an API key instead of a session, is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { accountState, asMember, memberSession, signIn } from './members-helpers.js';

const oldPassword = 'correct horse battery';
const newPassword = 'violet lantern orchard';

describe.each(dialects)('change your password (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  const db = () => gw.ctx.store.db;
  const hashOf = async (email: string) =>
    (await db().selectFrom('members').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow()).password_hash;
  const signInStatus = async (email: string, password: string) =>
    (
      await fetch(`${gw.url}/v1/auth/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      })
    ).status;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey));
  });
  afterAll(() => gw?.close());

  it('changes the password, ends the other sessions, keeps this one, audits "changed" only', async () => {
    const email = 'changer@example.com';
    const current = await memberSession(gw.url, platformKey, platformId, email, 'viewer', oldPassword);
    const other = await signIn(gw.url, email, oldPassword);
    const res = await asMember(gw.url, current, 'POST', '/v1/auth/password', { current_password: oldPassword, new_password: newPassword });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.member).toMatchObject({ id: current.memberId, email, status: 'active' });
    expect(JSON.stringify(res.body)).not.toContain('scrypt');

    expect(await signInStatus(email, oldPassword)).toBe(401);
    await signIn(gw.url, email, newPassword);
    expect((await asMember(gw.url, current, 'GET', '/v1/auth/me')).status).toBe(200);
    expectApiError(await asMember(gw.url, other, 'GET', '/v1/auth/me'), 401, 'invalid_api_key');

    const rows = await db().selectFrom('audit_log').selectAll().where('action', '=', 'member.password_change').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_type: 'member',
      actor_id: current.memberId,
      resource_id: current.memberId,
      platform_id: platformId,
    });
    const changes = typeof rows[0].changes === 'string' ? JSON.parse(rows[0].changes) : rows[0].changes;
    expect(changes.password).toBe('changed');
    const text = JSON.stringify(rows[0]);
    for (const secret of [oldPassword, newPassword, 'scrypt']) expect(text).not.toContain(secret);
  });

  it('a wrong current password is a 401 that changes nothing, and locks after 5 like sign-in', async () => {
    const email = 'guesser@example.com';
    const s = await memberSession(gw.url, platformKey, platformId, email, 'viewer', oldPassword);
    const other = await signIn(gw.url, email, oldPassword);
    const hash = await hashOf(email);
    for (let i = 1; i <= 5; i++) {
      const res = await asMember(gw.url, s, 'POST', '/v1/auth/password', {
        current_password: `wrong guess ${i}`,
        new_password: newPassword,
      });
      expectApiError(res, 401, 'invalid_credentials');
    }
    const locked = await asMember(gw.url, s, 'POST', '/v1/auth/password', { current_password: 'wrong guess 6', new_password: newPassword });
    expectApiError(locked, 401, 'invalid_credentials');
    // The 6th failure set a lock: even the right password is now refused, before it is checked, here and at sign-in.
    const refused = await asMember(gw.url, s, 'POST', '/v1/auth/password', { current_password: oldPassword, new_password: newPassword });
    expectApiError(refused, 429, 'rate_limit_exceeded');
    expect(await signInStatus(email, oldPassword)).toBe(429);
    expect(await hashOf(email)).toBe(hash);
    expect((await asMember(gw.url, other, 'GET', '/v1/auth/me')).status).toBe(200);
    const rows = await db()
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'member.password_change')
      .where('resource_id', '=', s.memberId)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('a weak, short or unchanged new password is a 400 naming new_password and changes nothing', async () => {
    const email = 'weakling@example.com';
    const s = await memberSession(gw.url, platformKey, platformId, email, 'viewer', oldPassword);
    const other = await signIn(gw.url, email, oldPassword);
    const before = await accountState(gw.ctx.store.db);
    for (const weak of [oldPassword, 'Password1234!', 'qwertyuiop12', 'weakling-secret-words', 'short']) {
      const res = await asMember(gw.url, s, 'POST', '/v1/auth/password', { current_password: oldPassword, new_password: weak });
      expect(res.body.error?.param, weak).toBe('new_password');
      expectApiError(res, 400, 'validation_error', 'new_password');
    }
    const extra = await asMember(gw.url, s, 'POST', '/v1/auth/password', {
      current_password: oldPassword,
      new_password: newPassword,
      x: 1,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('validation_error');
    // No hash, session or audit row changed.
    expect(await accountState(gw.ctx.store.db)).toEqual(before);
    expect((await asMember(gw.url, other, 'GET', '/v1/auth/me')).status).toBe(200);
  });

  it('refuses a call without the CSRF token, and an API key', async () => {
    const email = 'csrf@example.com';
    const s = await memberSession(gw.url, platformKey, platformId, email, 'viewer', oldPassword);
    const hash = await hashOf(email);
    const body = { current_password: oldPassword, new_password: newPassword };
    expectApiError(await asMember(gw.url, s, 'POST', '/v1/auth/password', body, { csrf: false }), 403, 'forbidden');
    const byKey = await client(gw.url, platformKey).post('/v1/auth/password', body);
    expectApiError(byKey, 403, 'forbidden');
    expect(byKey.body.error.message).toContain('member session');
    expectApiError(await client(gw.url, gw.adminKey).post('/v1/auth/password', body), 403, 'forbidden');
    expectApiError(await client(gw.url).post('/v1/auth/password', body), 401, 'invalid_api_key');
    // Who calls is settled before the body is read: no credential is a 401 and a key a 403, whatever the body.
    expectApiError(await client(gw.url).post('/v1/auth/password', { x: 1 }), 401, 'invalid_api_key');
    expectApiError(await client(gw.url, platformKey).post('/v1/auth/password', { x: 1 }), 403, 'forbidden');
    expect(await hashOf(email)).toBe(hash);
  });
});
