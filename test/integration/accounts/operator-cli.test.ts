/** `assistiv operator add --email …` prints a one-time link; the operator sets a password and signs in to the admin routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { runAssistiv } from '../../helpers/spawn.js';
import { postgresUrl } from '../../helpers/suites.js';
import { asMember, signIn, tokenOf } from './members-helpers.js';
import { acceptInviteForTest } from './operator-helpers.js';

// The CLI and the gateway share one database: a PostgreSQL one (a test gateway's SQLite file lives in its own temp dir).
describe.runIf(postgresUrl)('assistiv operator add', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect: 'postgres' });
  });
  afterAll(() => gw?.close());

  it('prints a set-password link once; the operator signs in and lists platforms; bad input is refused', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env, ASSISTIV_DATA_DIR: '/nonexistent-unused' };
    const res = await runAssistiv(['operator', 'add', '--email', 'Ops@Example.com', '--url', gw.url], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Added operator ops@example.com (role owner).');
    const link = /(http\S+#\/invite\/\S+)/.exec(res.stdout)?.[1] ?? '';
    await acceptInviteForTest(gw.url, tokenOf(link));
    const s = await signIn(gw.url, 'ops@example.com', 'correct horse battery');
    const list = await asMember(gw.url, s, 'GET', '/v1/admin/platforms');
    expect(list.status).toBe(200);

    const dup = await runAssistiv(['operator', 'add', '--email', 'ops@example.com'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
    const bad = await runAssistiv(['operator', 'add', '--email', 'ops@example.com', '--role', 'king'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--role one of viewer, billing, developer, admin, owner');
  });
});
