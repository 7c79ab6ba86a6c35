/**
 * The SSRF guard without ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS (spec §0b, §6), and the end of the 24 h retry
 * window (a test clock moved past it), on each database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { eventually, type Receiver, startReceiver } from './receiver.js';

describe.each(dialects)('webhook SSRF guard (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;
  let base: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, webhooks: { pollIntervalMs: 50 } });
    receiver = await startReceiver();
    const p = await createPlatform(gw.url, gw.adminKey, 'Guarded');
    api = client(gw.url, p.platformKey);
    base = `/v1/platforms/${p.platformId}/webhooks`;
  });
  afterAll(async () => {
    await receiver?.close();
    await gw?.close();
  });

  it('refuses literal loopback, private, link-local and metadata addresses when the endpoint is saved', async () => {
    for (const url of [
      `${receiver.url}/hook`,
      `http://[::1]:${receiver.port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/hook',
      'https://192.168.1.10/hook',
      'http://100.64.1.1/',
      'http://0.0.0.0/',
      'http://2130706433/',
    ]) {
      const res = await api.post(base, { url, events: ['*'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error, url).toMatchObject({ code: 'validation_error', param: 'url' });
      expect(res.body.error.message).toContain('ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS=true');
    }
    const ok = (await api.post(base, { url: 'https://hooks.example.com/x', events: ['*'] })).body.data;
    const patched = await api.patch(`${base}/${ok.id}`, { url: 'http://127.0.0.1/' });
    expect(patched.body.error).toMatchObject({ code: 'validation_error', param: 'url' });
    expect((await api.get(`${base}/${ok.id}`)).body.data.url).toBe('https://hooks.example.com/x');
    await api.delete(`${base}/${ok.id}`);
  });

  it('refuses at delivery time a name that resolves to loopback: the receiver is never called', async () => {
    const e = (await api.post(base, { url: `http://localhost:${receiver.port}/hook`, events: ['*'] })).body.data;
    expect(e.id).toBeTruthy();
    await api.post(`${base}/${e.id}/test`);
    const [attempt] = await eventually(async () => {
      const list = (await api.get(`${base}/${e.id}/deliveries`)).body.data;
      return list.some((d: { status: string }) => d.status === 'retrying') && list.filter((d: { attempt: number }) => d.attempt === 1);
    });
    expect(attempt).toMatchObject({ status: 'retrying', status_code: null, delivered_at: null });
    expect(attempt.error).toMatch(/^refused: the URL resolves to a loopback, private or link-local address \((127\.0\.0\.1|::1)\)/);
    expect(Date.parse(attempt.next_retry_at) - Date.parse(attempt.created_at)).toBeLessThanOrEqual(30_000);
    expect(receiver.received).toHaveLength(0);
    await api.delete(`${base}/${e.id}`);
  });
});

describe.each(dialects)('webhook retry window (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let offsetMs = 0;

  beforeAll(async () => {
    gw = await startTestGateway({
      dialect,
      clock: { now: () => Date.now() + offsetMs },
      env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' },
      webhooks: { pollIntervalMs: 50 },
    });
    receiver = await startReceiver();
    receiver.answer = (_req, res) => res.writeHead(503).end();
  });
  afterAll(async () => {
    await receiver?.close();
    await gw?.close();
  });

  it('stops retrying 24 h after the event: the last attempt is failed and nothing stays pending', async () => {
    const p = await createPlatform(gw.url, gw.adminKey, 'Window');
    const api = client(gw.url, p.platformKey);
    const base = `/v1/platforms/${p.platformId}/webhooks`;
    const e = (await api.post(base, { url: `${receiver.url}/down`, events: ['*'] })).body.data;
    await api.post(`${base}/${e.id}/test`);
    await receiver.waitFor(1);
    const list1 = await eventually(async () => {
      const l = (await api.get(`${base}/${e.id}/deliveries`)).body.data;
      return l.length === 2 && l;
    });
    expect(list1.map((d: { status: string }) => d.status)).toEqual(['pending', 'retrying']);
    // Nothing else is sent before the retry is due (first retry: 15–30 s).
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    offsetMs = 25 * 3600_000;
    await receiver.waitFor(2);
    const list2 = await eventually(async () => {
      const l = (await api.get(`${base}/${e.id}/deliveries`)).body.data;
      return l[0]?.status === 'failed' && l;
    });
    expect(list2).toHaveLength(2);
    expect(list2[0]).toMatchObject({ attempt: 2, status: 'failed', status_code: 503, next_retry_at: null, error: 'HTTP 503' });
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(2);
  });
});
