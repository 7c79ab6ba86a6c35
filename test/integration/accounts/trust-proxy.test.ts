/**
 * Sign-in back-off and the audit log's ip behind a proxy (ASSISTIV_TRUST_PROXY), on both databases, over HTTP.
 * Off (the default), X-Forwarded-For is never believed: 20 failures under 20 different forged addresses are 20
 * failures of the one peer, which is then locked whatever address the next request claims. Trusting the peer
 * (127.0.0.1, standing in for nginx), each forwarded address has its own count and is the audit rows' ip; an
 * address a client put to the left of the one the proxy appended is ignored. (The one-line error at start: cli.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { memberSession } from './members-helpers.js';

const password = 'correct horse battery';
const forwarded = (address: string) => ({ 'x-forwarded-for': address });

async function gatewayWithVictim(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}) {
  const gw = await startTestGateway({ dialect, env });
  const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
  await memberSession(gw.url, platformKey, platformId, 'victim@example.com', 'viewer', password);
  return gw;
}

const signInFrom = (gw: TestGateway, address: string, email: string, pw: string) =>
  client(gw.url).post('/v1/auth/sessions', { email, password: pw }, forwarded(address));

const wrongFrom = async (gw: TestGateway, address: string, i: number) =>
  expectApiError(await signInFrom(gw, address, `guess-${i}@example.com`, `wrong password ${i}`), 401, 'invalid_credentials');

const ipRows = (gw: TestGateway) =>
  gw.ctx.store.db.selectFrom('sign_in_attempts').select(['key', 'failures']).where('key', 'like', 'ip:%').orderBy('key').execute();

const auditIps = async (gw: TestGateway, action: string) =>
  (await gw.ctx.store.db.selectFrom('audit_log').select('ip').where('action', '=', action).orderBy('id').execute()).map((r) => r.ip);

describe('ASSISTIV_TRUST_PROXY values', () => {
  const trustProxy = (value?: string) => loadConfig(value === undefined ? {} : { ASSISTIV_TRUST_PROXY: value }).trustProxy;
  it('off by default; addresses, CIDR ranges and named ranges otherwise', () => {
    expect(trustProxy()).toBe(false);
    expect(trustProxy('OFF')).toBe(false);
    expect(trustProxy(' 10.0.0.0/8, 192.168.1.10 ,::1, fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.10',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });
  it.each([
    '1',
    '0',
    'true',
    'on',
    '*',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/8/1',
    '10.0.0.0/',
    'nginx',
    '10.0.0.0/8,,127.0.0.1',
    '999.1.1.1',
  ])('refuses %j', (value) => {
    expect(() => trustProxy(value)).toThrow(ConfigError);
    expect(() => trustProxy(value)).toThrow(/^ASSISTIV_TRUST_PROXY must be off or comma-separated IP addresses or CIDR ranges/);
  });
});

describe.each(dialects)('client address behind a proxy (%s)', (dialect) => {
  describe('ASSISTIV_TRUST_PROXY unset (off)', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await gatewayWithVictim(dialect);
    });
    afterAll(() => gw?.close());

    it('a forged X-Forwarded-For changes nothing: 20 failures from "20 addresses" lock the one peer', async () => {
      for (let i = 1; i <= 20; i++) await wrongFrom(gw, `203.0.113.${i}`, i);
      expect(await ipRows(gw)).toEqual([{ key: 'ip:127.0.0.1', failures: 20 }]);
      await wrongFrom(gw, '203.0.113.21', 21);

      const sessionsBefore = await gw.ctx.store.db.selectFrom('member_sessions').selectAll().execute();
      const locked = await signInFrom(gw, '198.51.100.9', 'victim@example.com', password);
      expectApiError(locked, 429, 'rate_limit_exceeded');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(25);
      expect(await gw.ctx.store.db.selectFrom('member_sessions').selectAll().execute()).toEqual(sessionsBefore);
      expect(await ipRows(gw)).toEqual([{ key: 'ip:127.0.0.1', failures: 21 }]);
      // The audit log records the peer, never the claimed address.
      const failedIps = await auditIps(gw, 'member.sign_in_failed');
      expect(failedIps).toHaveLength(21);
      expect(new Set(failedIps)).toEqual(new Set(['127.0.0.1']));
    });
  });

  describe('ASSISTIV_TRUST_PROXY=127.0.0.1 (the proxy is trusted)', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await gatewayWithVictim(dialect, { ASSISTIV_TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(() => gw?.close());

    it('each forwarded address has its own count: one locked client does not lock another', async () => {
      for (let i = 1; i <= 21; i++) await wrongFrom(gw, '203.0.113.7', i);
      expectApiError(await signInFrom(gw, '203.0.113.7', 'victim@example.com', password), 429, 'rate_limit_exceeded');
      expect(await ipRows(gw)).toEqual([{ key: 'ip:203.0.113.7', failures: 21 }]);

      // Another client behind the same proxy signs in; its audit row carries its own address.
      const ok = await signInFrom(gw, '198.51.100.9', 'victim@example.com', password);
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(await auditIps(gw, 'member.sign_in')).toEqual(['127.0.0.1', '198.51.100.9']); // memberSession's, then this one
      const failedIps = await auditIps(gw, 'member.sign_in_failed');
      expect(failedIps).toHaveLength(21);
      expect(new Set(failedIps)).toEqual(new Set(['203.0.113.7']));
    });

    it('an address the client put before the one the proxy appended is ignored', async () => {
      // A proxy that appends ($proxy_add_x_forwarded_for) passes the client's own header on: only the last entry is the proxy's word.
      const ok = await signInFrom(gw, '203.0.113.99, 192.0.2.44', 'victim@example.com', password);
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect((await auditIps(gw, 'member.sign_in')).at(-1)).toBe('192.0.2.44');
      await wrongFrom(gw, '203.0.113.7, 192.0.2.44', 100);
      expect(await ipRows(gw)).toEqual([
        { key: 'ip:192.0.2.44', failures: 1 },
        { key: 'ip:203.0.113.7', failures: 21 },
      ]);
    });
  });
});
