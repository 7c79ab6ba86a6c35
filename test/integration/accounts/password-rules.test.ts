/**
 * Weak passwords are refused when an invite is accepted (the one way a password is set: operator members get an
 * invite link too), on both databases, over HTTP: a common password, a common word with digits, a keyboard or
 * alphabet run, a repetitive one and one containing the email's name are each a 400 validation_error naming
 * password whose message says why, and nothing is written — the invite stays unspent, the member unaccepted, no
 * session, no audit row — so the same link then takes a good password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { accountState, signIn, tokenOf } from './members-helpers.js';

const email = 'olive.smith@example.com';

/** [rule, a password it refuses, what the message says]. */
const refused: Array<[string, string, RegExp]> = [
  ['a common password', 'Correct Horse Battery Staple', /^password is one of the most common passwords/],
  ['a common word and digits', 'password1234', /^password is a common word with digits or symbols \(like Password1234!\)/],
  ['a dressed-up common word', 'P@ssw0rd2024!', /^password is a common word with digits or symbols/],
  ['the product name and digits', 'Assistiv2025!', /^password is a common word with digits or symbols/],
  ['one character repeated', 'zzzzzzzzzzzzzz', /^password is too repetitive \(like aaaaaaaaaaaa or abcabcabcabc\)/],
  ['a short sequence repeated', 'xyzxyzxyzxyz', /^password is too repetitive/],
  ['a password said twice', 'hunter2hunter2', /^password is too repetitive/],
  ['a keyboard row', 'qwertyuiop12', /^password is a keyboard or alphabet sequence \(like qwertyuiop or 123456789012\)/],
  ['digits in order', '234567890123', /^password is a keyboard or alphabet sequence/],
  ['a keyboard walk', '1qaz2wsx3edc', /^password is a keyboard or alphabet sequence/],
  ['the alphabet', 'abcdefghijklmnop', /^password is a keyboard or alphabet sequence/],
  ["the email's name", 'Olive.Smith rides bikes', /^password contains the name of your email address/],
];

describe.each(dialects)('password rules on accepting an invite (%s)', (dialect) => {
  let gw: TestGateway;
  let token: string;
  const db = () => gw.ctx.store.db;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
    const invited = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, { email, role: 'viewer' });
    expect(invited.status).toBe(201);
    token = tokenOf(invited.body.data.invite_url);
  });
  afterAll(() => gw?.close());

  it.each(refused)('refuses %s (%j): 400 naming password, saying why; nothing written', async (_rule, password, message) => {
    const before = await accountState(db());
    const res = await client(gw.url).post(`/v1/auth/invites/${token}`, { password });
    expectApiError(res, 400, 'validation_error', 'password');
    expect(res.body.error.message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toContain(password); // the refused password is never echoed
    expect(await accountState(db())).toEqual(before);
    const member = await db().selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(member).toMatchObject({ password_hash: null, accepted_at: null });
    expect((await db().selectFrom('member_invites').select('spent_at').executeTakeFirstOrThrow()).spent_at).toBeNull();
  });

  it('a weak password on an unknown link is still the 404 of the link', async () => {
    expectApiError(await client(gw.url).post('/v1/auth/invites/not-a-real-token', { password: 'password1234' }), 404, 'not_found');
  });

  it('the same link then takes a good password, which signs in', async () => {
    const accepted = await client(gw.url).post(`/v1/auth/invites/${token}`, { password: 'purple elephants dance at noon' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    await signIn(gw.url, email, 'purple elephants dance at noon');
  });
});
