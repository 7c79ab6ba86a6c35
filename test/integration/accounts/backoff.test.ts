/**
 * Sign-in back-off per client IP (spec §3b), on both databases: 20 wrong passwords from one address are free
 * (each a 401), the 21st locks the address for 30 s, the next failure after that lock for 60 s (doubling), and a
 * locked attempt is a 429 with Retry-After even for another email's right password, answered before any password
 * is checked: no session, no audit row, no count changes. A success does not clear the address's count; 15
 * minutes without a failure do. (The per-email lock is in accounts.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { memberSession, signIn } from './members-helpers.js';

const password = 'correct horse battery';

describe.each(dialects)('sign-in back-off per IP address (%s)', (dialect) => {
  let gw: TestGateway;
  let offsetMs = 0;
  const db = () => gw.ctx.store.db;
  const ipRow = () => db().selectFrom('sign_in_attempts').selectAll().where('key', 'like', 'ip:%').executeTakeFirst();
  /** Everything a locked sign-in must leave as it was. */
  const state = async () => ({
    sessions: await db().selectFrom('member_sessions').selectAll().orderBy('id_hash').execute(),
    attempts: await db().selectFrom('sign_in_attempts').selectAll().orderBy('key').execute(),
    audit: await db().selectFrom('audit_log').selectAll().orderBy('id').execute(),
  });
  const wrong = async (i: number) =>
    expectApiError(
      await client(gw.url).post('/v1/auth/sessions', { email: `guess-${i}@example.com`, password: `wrong password ${i}` }),
      401,
      'invalid_credentials',
    );
  /** The right password of a member no failure named: refused by the address's lock alone. */
  const expectLocked = async (maxSeconds: number) => {
    const before = await state();
    const locked = await client(gw.url).post('/v1/auth/sessions', { email: 'victim@example.com', password });
    expectApiError(locked, 429, 'rate_limit_exceeded');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(maxSeconds - 5);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(locked.body.error.message).toContain(`${retryAfter} s`);
    expect(await state()).toEqual(before);
  };

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock: { now: () => Date.now() + offsetMs } });
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
    await memberSession(gw.url, platformKey, platformId, 'victim@example.com', 'viewer', password);
  });
  afterAll(() => gw?.close());

  it('locks an address after 20 wrong passwords for 30 s, then 60 s; a locked try changes nothing', async () => {
    for (let i = 1; i <= 20; i++) await wrong(i);
    expect(await ipRow()).toMatchObject({ failures: 20, blocked_until: null });
    // Below the address's limit, the right password still signs in (and leaves the address's count alone).
    await signIn(gw.url, 'victim@example.com', password);
    expect((await ipRow())?.failures).toBe(20);

    await wrong(21);
    expect((await ipRow())?.blocked_until).not.toBeNull();
    await expectLocked(30);

    offsetMs += 31_000;
    await wrong(22);
    await expectLocked(60);

    offsetMs += 61_000;
    await signIn(gw.url, 'victim@example.com', password);
    expect((await ipRow())?.failures).toBe(22);

    // 15 minutes without a failure: the address starts again from one.
    offsetMs += 15 * 60 * 1000 + 1000;
    await wrong(23);
    expect(await ipRow()).toMatchObject({ failures: 1, blocked_until: null });
    await signIn(gw.url, 'victim@example.com', password);
  });
});
