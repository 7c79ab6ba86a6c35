/**
 * Signing in and out is audited (spec §3b), on both databases: accepting an invite, a sign-in, a wrong
 * password and a sign-out each append one row naming the member (id and email) in the transaction of the
 * session (or back-off, or invite) write, so a row that cannot be written leaves no session; no password is
 * ever recorded. An operator member acting on a platform is recorded as "operator", in both logs.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { asMember, signIn, tokenOf } from './members-helpers.js';
import { acceptInviteForTest, createOperatorInvite } from './operator-helpers.js';

const password = 'sign-in audit password 1';
const wrongPassword = 'this is NOT the password 2';
const userAgent = 'audit-test-agent/1.0';

describe.each(dialects)('sign-in and sign-out audit rows (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  let memberId: string;
  const db = () => gw.ctx.store.db;
  const allRows = () => db().selectFrom('audit_log').selectAll().orderBy('id').execute();
  const rowsOf = (action: string) => db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  const post = (path: string, body: unknown) =>
    fetch(gw.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Signed'));
  });
  afterAll(() => gw?.close());

  it('accepting an invite records the member, what changed, and the password only as "changed"', async () => {
    const invited = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, {
      email: 'Ada@Signed.example',
      role: 'billing',
    });
    memberId = invited.body.data.member.id;
    const token = tokenOf(invited.body.data.invite_url);
    // A row that cannot be written leaves the invite unspent and the member without a password.
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(db());
    try {
      expectApiError(await client(gw.url).post(`/v1/auth/invites/${token}`, { password }), 500, 'internal_error');
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(db());
    }
    expect(await db().selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow()).toMatchObject({
      password_hash: null,
      accepted_at: null,
    });
    expect(
      (await db().selectFrom('member_invites').select('spent_at').where('member_id', '=', memberId).executeTakeFirstOrThrow()).spent_at,
    ).toBeNull();

    const res = await post(`/v1/auth/invites/${token}`, { password, display_name: 'Ada' });
    expect(res.status).toBe(201);
    const member = await db().selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
    const [row] = await rowsOf('member.accept_invite');
    expect(row).toMatchObject({
      platform_id: platformId,
      actor_type: 'member',
      actor_id: memberId,
      actor_label: 'ada@signed.example',
      resource_type: 'member',
      resource_id: memberId,
      request_id: res.headers.get('x-request-id'),
      user_agent: userAgent,
    });
    expect(JSON.parse(row.changes)).toEqual({
      display_name: [null, 'Ada'],
      status: ['invited', 'active'],
      accepted_at: [null, member.accepted_at],
      password: 'changed',
    });
  });

  it('a sign-in records the member in the session write; a row that cannot be written leaves no session', async () => {
    const s = await signIn(gw.url, 'ada@signed.example', password);
    const rows = await rowsOf('member.sign_in');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      platform_id: platformId,
      actor_type: 'member',
      actor_id: memberId,
      actor_label: 'ada@signed.example',
      resource_type: 'member',
      resource_id: memberId,
      changes: '{}',
    });
    expect(s.memberId).toBe(memberId);

    // While the audit table is away the insert fails: the session insert in the same transaction goes with it.
    const sessionsBefore = await db().selectFrom('member_sessions').selectAll().orderBy('id_hash').execute();
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(db());
    try {
      const res = await client(gw.url).post('/v1/auth/sessions', { email: 'ada@signed.example', password });
      expectApiError(res, 500, 'internal_error');
      expect(res.headers.get('set-cookie')).toBeNull();
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(db());
    }
    expect(await db().selectFrom('member_sessions').selectAll().orderBy('id_hash').execute()).toEqual(sessionsBefore);
    expect(await rowsOf('member.sign_in')).toHaveLength(1);
  });

  it('a wrong password records the member it was tried on (never the password); an unknown email goes to the operator log', async () => {
    const before = (await allRows()).length;
    expectApiError(
      await client(gw.url).post('/v1/auth/sessions', { email: 'ADA@signed.example', password: wrongPassword }),
      401,
      'invalid_credentials',
    );
    const [failed] = await rowsOf('member.sign_in_failed');
    expect(failed).toMatchObject({
      platform_id: platformId,
      actor_type: 'member',
      actor_id: memberId,
      actor_label: 'ada@signed.example',
      resource_id: memberId,
      changes: '{}',
    });

    expectApiError(
      await client(gw.url).post('/v1/auth/sessions', { email: 'nobody@signed.example', password: wrongPassword }),
      401,
      'invalid_credentials',
    );
    const unknown = (await rowsOf('member.sign_in_failed'))[1];
    expect(unknown).toMatchObject({
      platform_id: null,
      actor_type: 'member',
      actor_id: 'unknown',
      actor_label: 'nobody@signed.example',
      resource_id: null,
    });
    const operatorLog = await client(gw.url, gw.adminKey).get('/v1/admin/audit-log?action=member.sign_in_failed');
    expect(operatorLog.body.data.map((r: { actor: { label: string } }) => r.actor.label)).toEqual(['nobody@signed.example']);
    const platformLog = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/audit-log?action=member.sign_in_failed`);
    expect(platformLog.body.data.map((r: { actor: { id: string } }) => r.actor.id)).toEqual([memberId]);

    // Exactly those two rows were added, and no password (right or wrong, or its hash) is anywhere in the log.
    const rows = await allRows();
    expect(rows.length).toBe(before + 2);
    const hash = (await db().selectFrom('members').select('password_hash').where('id', '=', memberId).executeTakeFirstOrThrow())
      .password_hash;
    const text = JSON.stringify(rows);
    for (const secret of [password, wrongPassword, hash ?? 'no hash', 'scrypt$']) expect(text).not.toContain(secret);
  });

  it('a sign-out records the member in the session delete; a refused sign-out (no CSRF header) records nothing', async () => {
    const s = await signIn(gw.url, 'ada@signed.example', password);
    const before = await allRows();
    expectApiError(await asMember(gw.url, s, 'DELETE', '/v1/auth/sessions/current', undefined, { csrf: false }), 403, 'forbidden');
    expect(await allRows()).toEqual(before);
    expect((await asMember(gw.url, s, 'GET', '/v1/auth/me')).status).toBe(200);

    const out = await asMember(gw.url, s, 'DELETE', '/v1/auth/sessions/current');
    expect(out.status).toBe(204);
    const [row] = await rowsOf('member.sign_out');
    expect(row).toMatchObject({
      platform_id: platformId,
      actor_type: 'member',
      actor_id: memberId,
      actor_label: 'ada@signed.example',
      resource_id: memberId,
      request_id: out.headers.get('x-request-id'),
    });
    expect(await allRows()).toHaveLength(before.length + 1);
  });

  it('an operator member signs in as "operator" and its action on a platform is in the operator log and the platform log', async () => {
    await acceptInviteForTest(gw.url, await createOperatorInvite(gw.ctx, 'ops@gateway.example', 'admin'), password);
    const [accepted] = (await rowsOf('member.accept_invite')).filter((r) => r.actor_label === 'ops@gateway.example');
    expect(accepted).toMatchObject({ platform_id: null, actor_type: 'operator' });
    const s = await signIn(gw.url, 'ops@gateway.example', password, { platform_id: null });
    expect((await rowsOf('member.sign_in')).at(-1)).toMatchObject({ platform_id: null, actor_type: 'operator', actor_id: s.memberId });

    const adjusted = await asMember(gw.url, s, 'POST', `/v1/admin/platforms/${platformId}/wallet/adjustments`, {
      amount: 7,
      description: 'goodwill credit',
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
    const expected = {
      platform_id: platformId,
      actor: { type: 'operator', id: s.memberId, label: 'ops@gateway.example' },
      request_id: adjusted.headers.get('x-request-id'),
    };
    const operatorLog = await client(gw.url, gw.adminKey).get(`/v1/admin/audit-log?actor=${s.memberId}&limit=100`);
    const platformLog = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/audit-log?actor=ops@gateway.example&limit=100`);
    for (const log of [operatorLog, platformLog]) {
      expect(log.status).toBe(200);
      expect(log.body.data[0]).toMatchObject(expected);
      expect(log.body.data[0].action).toMatch(/^wallet\./);
    }
    expect(operatorLog.body.data[0].id).toBe(platformLog.body.data[0].id);
  });
});
