/**
 * Requests sent with an absolute-form target (`POST http://host/v1/…`, RFC 9112 §3.2.2) follow the same
 * rules as origin-form ones: one Idempotency-Key executes once whatever the form, and unknown routes are
 * §1 404s naming the path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { openSocket, parseRaw, readAll } from './raw.js';

async function absoluteForm(gw: TestGateway, method: string, path: string, headers: Record<string, string>, body: string) {
  const url = new URL(gw.url);
  const socket = await openSocket(gw.url);
  const lines = [
    `${method} http://${url.host}${path} HTTP/1.1`,
    `host: ${url.host}`,
    'connection: close',
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  return parseRaw((await readAll(socket)).text);
}

describe.each(dialects)('absolute-form request targets (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey));
  });
  afterAll(() => gw?.close());

  it('an Idempotency-Key replays across the origin and absolute forms: the top-up runs once', async () => {
    const path = `/v1/platforms/${platformId}/wallet/topup`;
    const headers = { 'idempotency-key': 'abs-form-1' };
    const first = await client(gw.url, platformKey).post(path, { amount: 5 }, headers);
    expect(first.status).toBe(201);
    const again = await absoluteForm(
      gw,
      'POST',
      path,
      { ...headers, authorization: `Bearer ${platformKey}` },
      JSON.stringify({ amount: 5 }),
    );
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const wallet = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`);
    expect(wallet.body.data.balance).toBe(5);
  });

  it('an unknown route in absolute form is a §1 404 naming the path', async () => {
    const res = await absoluteForm(gw, 'GET', '/v1/nowhere?x=1', {}, '');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'not_found', message: 'No route for GET /v1/nowhere.' });
  });
});
