/**
 * HTTP hardening from the outside (issue 10): hostile targets, oversized request lines and headers, slow
 * clients, deep JSON and oversized bodies all get a spec §1 answer (never a 500, never Node's bare one), every
 * response carries the security headers, and a long inference stream outlives the request timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startInferenceFixture } from '../../helpers/inference.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { openSocket, parseRaw, type RawResponse, rawRequest, readAll } from './raw.js';

const timeouts = { ASSISTIV_HTTP_HEADERS_TIMEOUT_MS: '600', ASSISTIV_HTTP_REQUEST_TIMEOUT_MS: '1200' };

/** The §1 body on a raw answer, with its request id in the header too. */
function expectRawError(res: RawResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body);
  expect(body).toEqual({
    error: {
      message: expect.any(String),
      type: status === 404 ? 'not_found_error' : 'invalid_request_error',
      code,
      param: null,
      request_id: res.headers['x-request-id'],
    },
  });
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
}

/** Nests `leaf` inside `levels` objects: {"a":{"a":…leaf…}} */
const nested = (levels: number, leaf: string) => `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;

describe.each(dialects)('HTTP hardening (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, env: timeouts });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey));
  });
  afterAll(() => gw?.close());

  it('deep JSON is a 400 at parse time on every body-taking route, and changes nothing', async () => {
    const doc = (await client(gw.url).get('/openapi.json')).body;
    const writes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
    expect(writes.length).toBeGreaterThan(20);
    const platform = client(gw.url, platformKey);
    const before = (await platform.get(`/v1/platforms/${platformId}/end-users`)).body;
    for (const depth of [65, 100_000]) {
      for (const r of writes) {
        const path = r.path.replace('{platformId}', platformId).replace(/\{\w+\}/g, '0190f7a0-0000-7000-8000-00000000dead');
        const key = path.startsWith('/v1/platforms/') ? platformKey : gw.adminKey;
        const res = await client(gw.url, key).raw(r.method, path, nested(depth, '1'));
        if (path.startsWith('/v1/me') || path.startsWith('/v1/chat') || path.startsWith('/v1/responses') || path.startsWith('/v1/messages'))
          continue;
        // Only a member session may change a password: a key is refused before the body is read.
        if (path === '/v1/auth/password') {
          expectApiError(res, 403, 'forbidden');
          continue;
        }
        expectApiError(res, 400, 'validation_error', 'body');
        expect(res.body.error.message).toContain('64 levels');
      }
    }
    // An array as deep is refused the same way, also on inference (before authentication needs anything but the key).
    const deepArray = `{"model":"x","messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expectApiError(await platform.raw('POST', '/v1/chat/completions', deepArray), 400, 'validation_error', 'body');
    expect((await platform.get(`/v1/platforms/${platformId}/end-users`)).body).toEqual(before);
  });

  it('JSON exactly 64 levels deep is accepted', async () => {
    const body = `{"external_id":"deep-ok","metadata":${nested(62, '"leaf"')}}`;
    const res = await client(gw.url, platformKey).raw('POST', `/v1/platforms/${platformId}/end-users`, body);
    expect(res.status).toBe(201);
    let m = res.body.data.metadata;
    for (let i = 0; i < 62; i++) m = m.a;
    expect(m).toBe('leaf');
  });

  it('path traversal under /dashboard is a §1 404 and reads no file', async () => {
    const targets = [
      '/dashboard/..%2f..%2fpackage.json',
      '/dashboard/..%2F..%2Fsrc%2Fconfig.ts',
      '/dashboard/%2e%2e/%2e%2e/package.json',
      '/dashboard/%2e%2e%2f%2e%2e%2fpackage.json',
      '/dashboard/assets/..%2f..%2f..%2fpackage.json',
      '/dashboard/..%5c..%5cpackage.json',
      '/dashboard/....//....//package.json',
      '/dashboard/%252e%252e%252fpackage.json',
      '/dashboard/..%00/package.json',
      '/dashboard/assets/%2e%2e/index.html%00.js',
      '/docs/static/..%2f..%2f..%2fpackage.json',
      '/docs/static/%2e%2e/%2e%2e/package.json',
    ];
    for (const target of targets) {
      const res = await rawRequest(gw.url, 'GET', target);
      expect(res.status, target).toBe(404);
      expectRawError(res, 404, 'not_found');
      expect(res.body, target).not.toContain('assistiv-gateway');
      expect(res.body, target).not.toContain('ASSISTIV_');
    }
    // Overlong UTF-8 for "." does not even decode: a §1 400.
    const overlong = await rawRequest(gw.url, 'GET', '/dashboard/%c0%ae%c0%ae/package.json');
    expect(overlong.status).toBe(400);
    expect(JSON.parse(overlong.body).error).toMatchObject({ type: 'invalid_request_error', request_id: overlong.headers['x-request-id'] });
  });

  it('a missing file under /dashboard is a §1 404, not a 405', async () => {
    for (const target of ['/dashboard/nope.js', '/dashboard/assets/missing-1234.css', '/dashboard/a/b/c']) {
      const res = await client(gw.url).get(target);
      expectApiError(res, 404, 'not_found');
    }
  });

  it('a 20 KB request target or oversized headers get a §1 431 and the connection is closed', async () => {
    const longUrl = `/v1/platforms/${platformId}/end-users?external_id=${'x'.repeat(20_000)}`;
    expectRawError(await rawRequest(gw.url, 'GET', longUrl), 431, 'request_header_fields_too_large');
    const bigHeader = await rawRequest(gw.url, 'GET', '/healthz', { 'x-filler': 'y'.repeat(20_000) });
    expectRawError(bigHeader, 431, 'request_header_fields_too_large');
    expect(JSON.parse(bigHeader.body).error.message).toContain('16384-byte');
  });

  it('a request Node cannot parse gets a §1 400, not a bare status line', async () => {
    for (const head of [
      'G@T / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n',
    ]) {
      const socket = await openSocket(gw.url);
      const reading = readAll(socket, 4000);
      socket.write(head);
      const res = parseRaw((await reading).text);
      expectRawError(res, 400, 'bad_request');
    }
  });

  it('a client that sends its headers too slowly gets a §1 408 and is disconnected (slow-loris)', async () => {
    const socket = await openSocket(gw.url);
    const reading = readAll(socket, 8000);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('x-drip: 1\r\n'), 100);
    const { text, closedAfterMs } = await reading;
    clearInterval(drip);
    expectRawError(parseRaw(text), 408, 'request_timeout');
    expect(closedAfterMs).toBeGreaterThanOrEqual(500);
    expect(closedAfterMs).toBeLessThan(3500);
  });

  it('a client that sends its body too slowly gets a §1 408 and is disconnected', async () => {
    const socket = await openSocket(gw.url);
    const reading = readAll(socket, 8000);
    socket.write(
      `POST /v1/platforms/${platformId}/end-users HTTP/1.1\r\nHost: x\r\nauthorization: Bearer ${platformKey}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"external_id":"`,
    );
    const drip = setInterval(() => socket.writable && socket.write('a'), 100);
    const { text, closedAfterMs } = await reading;
    clearInterval(drip);
    expectRawError(parseRaw(text), 408, 'request_timeout');
    expect(closedAfterMs).toBeGreaterThanOrEqual(1000);
    expect(closedAfterMs).toBeLessThan(4500);
    const list = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/end-users?external_id=aaaa`);
    expect(list.body.total).toBe(0);
  });

  it('an idle keep-alive connection is not answered with an error', async () => {
    const socket = await openSocket(gw.url);
    const reading = readAll(socket, 2500);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const { text } = await reading;
    // One 200 and nothing after it, even though the socket outlived the header and request timeouts.
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(parseRaw(text).status).toBe(200);
  });

  it('every management write has a body limit: more than 1 MiB is a §1 413', async () => {
    const doc = (await client(gw.url).get('/openapi.json')).body;
    const big = JSON.stringify({ external_id: 'x'.repeat(1024 * 1024 + 10) });
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      if (!path.startsWith('/v1/platforms/') && !path.startsWith('/v1/admin/')) continue;
      for (const method of Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))) {
        const filled = path.replace('{platformId}', platformId).replace(/\{\w+\}/g, '0190f7a0-0000-7000-8000-00000000dead');
        const key = path.startsWith('/v1/platforms/') ? platformKey : gw.adminKey;
        const res = await client(gw.url, key).raw(method.toUpperCase(), filled, big);
        expectApiError(res, 413, 'request_too_large');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('every response carries the security headers; the dashboard and /docs get a strict CSP', async () => {
    const responses = await Promise.all([
      client(gw.url).get('/healthz'),
      client(gw.url, platformKey).get(`/v1/platforms/${platformId}`),
      client(gw.url).get('/v1/nope'),
      client(gw.url).get('/v1/me'),
      client(gw.url, platformKey).raw('POST', `/v1/platforms/${platformId}/end-users`, '{oops'),
    ]);
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const dashboard = await fetch(`${gw.url}/dashboard/`);
    const csp = dashboard.headers.get('content-security-policy') ?? '';
    expect(dashboard.status).toBe(200);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(dashboard.headers.get('x-frame-options')).toBe('DENY');
    const docs = await fetch(`${gw.url}/docs/`);
    const docsCsp = docs.headers.get('content-security-policy') ?? '';
    expect(docs.status).toBe(200);
    expect(docsCsp).toContain("frame-ancestors 'none'");
    expect(docsCsp).toContain("script-src 'self';");
    expect(docsCsp).not.toContain('https:');
    expect(docsCsp).not.toContain('unsafe-inline');
    expect(docsCsp).not.toContain('upgrade-insecure-requests');
    // /docs has no inline script for the policy to block: every script is a file of its own.
    const html = await docs.text();
    expect(html).toMatch(/<script src=/);
    expect(html).not.toMatch(/<script>/);
  });
});

describe('HTTP timeouts never cut a response stream', () => {
  it('a 3 s inference stream outlives a 1.2 s request timeout and ends with [DONE]', async () => {
    const fx = await startInferenceFixture({ env: timeouts });
    try {
      await fx.addRoute('slow-model', 'openai', 'm-slow-stream-150');
      const started = Date.now();
      const res = await fetch(`${fx.gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fx.endUserKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow-model', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThan(2500);
      // A stream writes its own head: the security headers are on it too.
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
      expect(text.match(/"content":"/g)?.length).toBeGreaterThanOrEqual(20);
    } finally {
      await fx.close();
    }
  });
});
