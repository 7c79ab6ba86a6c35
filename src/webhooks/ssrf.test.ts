import { describe, expect, it } from 'vitest';
import { guardedLookup, isPrivateAddress, urlProblem } from './ssrf.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '::ffff:10.0.0.1',
  ])('refuses %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it('checks literal addresses and schemes when a URL is saved; names are checked at delivery', () => {
    expect(urlProblem('https://example.com/hook', false)).toBeNull();
    expect(urlProblem('http://127.0.0.1:8080/hook', false)).toMatch(/ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS/);
    expect(urlProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
    // The WHATWG parser normalises other spellings of an address before the check.
    expect(urlProblem('http://2130706433/', false)).toMatch(/127\.0\.0\.1/);
    expect(urlProblem('http://0x7f.1/', false)).toMatch(/127\.0\.0\.1/);
    expect(urlProblem('http://[::ffff:169.254.169.254]/', false)).toMatch(/private/);
    expect(urlProblem('http://[fe80::1]/', false)).toMatch(/private/);
    expect(urlProblem('ftp://example.com/', true)).toMatch(/http/);
    expect(urlProblem('javascript:alert(1)', true)).toMatch(/http/);
    expect(urlProblem('https://u:p@example.com/', true)).toMatch(/credentials/);
    expect(urlProblem('http://localhost/', false)).toBeNull();
  });

  it('resolves a name to loopback and refuses it at connect time unless allowed', async () => {
    const lookup = (allow: boolean, all: boolean) =>
      new Promise<{ err: Error | null; address: unknown }>((resolve) =>
        guardedLookup(allow)('localhost', { all }, (err, address) => resolve({ err, address })),
      );
    const refused = await lookup(false, true);
    expect(refused.err?.message).toMatch(/loopback, private or link-local/);
    const allowed = await lookup(true, false);
    expect(allowed.err).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(allowed.address);
  });
});
