/**
 * Webhook endpoints and deliveries from the outside (spec §3 `/webhooks`, §6), on each database: a real
 * receiver on 127.0.0.1 verifies every delivery with the `standardwebhooks` library as a platform would.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhookEvent, openSecret, wakeWebhookWorker } from '../../../src/webhooks/index.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { eventually, type Receiver, startReceiver } from './receiver.js';

/** Retries come within 0.1–0.2 s instead of 30 s, so three attempts take well under a second. */
const FAST_RETRY = { retry: { baseDelayMs: 200, maxDelayMs: 1000 }, pollIntervalMs: 50 };

describe.each(dialects)('webhooks (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;
  let base: string;
  let platformId: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' }, webhooks: FAST_RETRY });
    receiver = await startReceiver();
    const p = await createPlatform(gw.url, gw.adminKey, 'Hooks');
    platformId = p.platformId;
    api = client(gw.url, p.platformKey);
    base = `/v1/platforms/${platformId}/webhooks`;
  });
  afterAll(async () => {
    await receiver?.close();
    await gw?.close();
  });

  const reset = (answer: Receiver['answer'] = (_req, res) => res.writeHead(204).end()) => {
    receiver.received.length = 0;
    receiver.answer = answer;
  };
  const createEndpoint = async (body: Record<string, unknown> = {}) => {
    const res = await api.post(base, { url: `${receiver.url}/hook`, events: ['*'], ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as { id: string; secret: string; url: string; events: string[] };
  };
  const deliveries = async (endpointId: string) => (await api.get(`${base}/${endpointId}/deliveries?limit=100`)).body.data as any[];

  it('creates an endpoint whose whsec_ secret is shown once; get, list, patch and delete never show it', async () => {
    const created = await api.post(base, {
      url: `${receiver.url}/a`,
      events: ['wallet.topped_up', 'budget.debited'],
      description: 'Billing',
    });
    expect(created.status).toBe(201);
    const e = created.body.data;
    expect(e.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(e.secret.slice(6), 'base64')).toHaveLength(32);
    expect(e).toMatchObject({
      platform_id: platformId,
      url: `${receiver.url}/a`,
      events: ['wallet.topped_up', 'budget.debited'],
      is_active: true,
      description: 'Billing',
    });
    const got = await api.get(`${base}/${e.id}`);
    const { secret: _secret, ...shown } = e;
    expect(got.body.data).toEqual(shown);
    // At rest the secret is sealed, bound to its endpoint: copied onto another row it does not open.
    const row = await gw.ctx.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
    expect(row.encrypted_secret).toMatch(/^v1:/);
    expect(row.encrypted_secret).not.toContain(e.secret.slice(6, 20));
    expect(openSecret(gw.ctx.secretBox, row.encrypted_secret, platformId, e.id)).toBe(e.secret);
    expect(() => openSecret(gw.ctx.secretBox, row.encrypted_secret, platformId, crypto.randomUUID())).toThrow();
    const list = await api.get(base);
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(e.id);
    expect(JSON.stringify(list.body)).not.toContain(e.secret.slice(6));
    const patched = await api.patch(`${base}/${e.id}`, { events: ['budget.suspended'], is_active: false, description: null });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ events: ['budget.suspended'], is_active: false, description: null });
    expect(patched.body.data.secret).toBeUndefined();
    expect((await api.delete(`${base}/${e.id}`)).status).toBe(204);
    expect((await api.get(`${base}/${e.id}`)).status).toBe(404);
    expect((await api.delete(`${base}/${e.id}`)).status).toBe(404);
  });

  it('refuses unknown event types, non-http URLs and unknown fields with 400 naming the field', async () => {
    const badEvent = await api.post(base, { url: `${receiver.url}/a`, events: ['wallet.topped_up', 'wallet.exploded'] });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.error).toMatchObject({ code: 'validation_error', param: 'events[1]' });
    const empty = await api.post(base, { url: `${receiver.url}/a`, events: [] });
    expect(empty.body.error).toMatchObject({ code: 'validation_error', param: 'events' });
    for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'not a url', 'http://user:pw@example.com/']) {
      const res = await api.post(base, { url, events: ['*'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error, url).toMatchObject({ code: 'validation_error', param: 'url' });
    }
    const e = await createEndpoint();
    const badPatch = await api.patch(`${base}/${e.id}`, { url: 'gopher://example.com' });
    expect(badPatch.body.error).toMatchObject({ code: 'validation_error', param: 'url' });
    const unknown = await api.patch(`${base}/${e.id}`, { secret: 'whsec_mine' });
    expect(unknown.body.error).toMatchObject({ code: 'validation_error', param: 'secret' });
    await api.delete(`${base}/${e.id}`);
  });

  it("answers 404 for another platform's endpoint and deliveries under this platform's path", async () => {
    const other = await createPlatform(gw.url, gw.adminKey, 'Other');
    const otherApi = client(gw.url, other.platformKey);
    const theirs = (await otherApi.post(`/v1/platforms/${other.platformId}/webhooks`, { url: `${receiver.url}/x`, events: ['*'] })).body
      .data;
    const ping = await otherApi.post(`/v1/platforms/${other.platformId}/webhooks/${theirs.id}/test`);
    expect(ping.status).toBe(201);
    for (const res of [
      await api.get(`${base}/${theirs.id}`),
      await api.patch(`${base}/${theirs.id}`, { is_active: false }),
      await api.delete(`${base}/${theirs.id}`),
      await api.post(`${base}/${theirs.id}/rotate-secret`),
      await api.post(`${base}/${theirs.id}/test`),
      await api.get(`${base}/${theirs.id}/deliveries`),
      await api.post(`${base}/${theirs.id}/deliveries/${ping.body.data.id}/redeliver`),
      await api.get(`${base}/not-a-uuid`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await otherApi.get(`/v1/platforms/${other.platformId}/webhooks/${theirs.id}`)).body.data.is_active).toBe(true);
  });

  it('delivers a ping that standardwebhooks verifies with the secret, and the attempt lists as delivered', async () => {
    reset();
    const e = await createEndpoint();
    const sent = await api.post(`${base}/${e.id}/test`);
    expect(sent.status).toBe(201);
    expect(sent.body.data).toMatchObject({ event_type: 'ping', attempt: 1, status: 'pending', endpoint_id: e.id });
    const [got] = await receiver.waitFor(1);
    expect(got.path).toBe('/hook');
    expect(got.headers['content-type']).toBe('application/json');
    const payload = new Webhook(e.secret).verify(got.body, got.headers) as any;
    expect(payload).toMatchObject({ event_type: 'ping', api_version: '2026-11-01', data: { platform_id: platformId, webhook_id: e.id } });
    expect(payload.event_id).toMatch(/^[0-9a-f-]{36}:ping$/);
    expect(got.headers['webhook-id']).toBe(payload.event_id);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(got.body, got.headers)).toThrow();
    expect(() => new Webhook(e.secret).verify(got.body.replace('ping', 'pong'), got.headers)).toThrow();
    const [attempt] = await eventually(async () => {
      const list = await deliveries(e.id);
      return list[0]?.status === 'delivered' && list;
    });
    expect(attempt).toMatchObject({
      id: sent.body.data.id,
      event_id: payload.event_id,
      event_type: 'ping',
      attempt: 1,
      status_code: 204,
      error: null,
      next_retry_at: null,
    });
    expect(attempt.latency_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(attempt.delivered_at)).toBeGreaterThan(0);
    await api.delete(`${base}/${e.id}`);
  });

  it('a receiver failing twice gets the event on the third attempt, with the same webhook-id each time', async () => {
    reset((_req, res, n) => (n <= 2 ? res.writeHead(500).end('database down') : res.writeHead(200).end('ok')));
    const e = await createEndpoint();
    await api.post(`${base}/${e.id}/test`);
    const got = await receiver.waitFor(3);
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(1);
    for (const g of got) expect(new Webhook(e.secret).verify(g.body, g.headers)).toBeTruthy();
    const list = await eventually(async () => {
      const l = await deliveries(e.id);
      return l.length === 3 && l[0].status === 'delivered' && l;
    });
    const [third, second, first] = list;
    expect(first).toMatchObject({ attempt: 1, status: 'retrying', status_code: 500, error: 'HTTP 500: database down' });
    expect(second).toMatchObject({ attempt: 2, status: 'retrying', status_code: 500 });
    expect(third).toMatchObject({ attempt: 3, status: 'delivered', status_code: 200, next_retry_at: null });
    // Backoff: the first retry waits base/2..base (100–200 ms here), the second twice that.
    const wait1 = Date.parse(first.next_retry_at) - Date.parse(first.created_at);
    const wait2 = Date.parse(second.next_retry_at) - Date.parse(second.created_at);
    expect(wait1).toBeGreaterThanOrEqual(100);
    expect(wait1).toBeLessThanOrEqual(200);
    expect(wait2).toBeGreaterThanOrEqual(200);
    expect(wait2).toBeLessThanOrEqual(400);
    await api.delete(`${base}/${e.id}`);
  });

  it('does not follow a redirect: the 302 is a failed attempt and the target is never called', async () => {
    reset((req, res) =>
      req.url === '/hook' ? res.writeHead(302, { location: `${receiver.url}/elsewhere` }).end() : res.writeHead(204).end(),
    );
    const e = await createEndpoint();
    await api.post(`${base}/${e.id}/test`);
    await receiver.waitFor(2);
    await api.patch(`${base}/${e.id}`, { is_active: false });
    expect(receiver.received.every((r) => r.path === '/hook')).toBe(true);
    const list = await deliveries(e.id);
    expect(list.find((d) => d.attempt === 1)).toMatchObject({ status: 'retrying', status_code: 302 });
    await api.delete(`${base}/${e.id}`);
  });

  it('during a rotation both secrets sign; with no grace period only the new one does', async () => {
    reset();
    const e = await createEndpoint();
    const rotated = await api.post(`${base}/${e.id}/rotate-secret`, { grace_period_seconds: 3600 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.data.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(e.secret);
    expect(Date.parse(rotated.body.data.previous_secret_expires_at) - Date.now()).toBeGreaterThan(3500_000);
    expect((await api.get(`${base}/${e.id}`)).body.data.secret).toBeUndefined();
    await api.post(`${base}/${e.id}/test`);
    const [during] = await receiver.waitFor(1);
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(e.secret).verify(during.body, during.headers)).toBeTruthy();
    expect(new Webhook(fresh).verify(during.body, during.headers)).toBeTruthy();

    const again = await api.post(`${base}/${e.id}/rotate-secret`, { grace_period_seconds: 0 });
    const newest = again.body.data.secret as string;
    expect(again.body.data.previous_secret_expires_at).toBeNull();
    await api.post(`${base}/${e.id}/test`);
    const [, after] = await receiver.waitFor(2);
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(new Webhook(newest).verify(after.body, after.headers)).toBeTruthy();
    expect(() => new Webhook(fresh).verify(after.body, after.headers)).toThrow();
    // The body is optional: the default grace is 24 h.
    const defaulted = await api.post(`${base}/${e.id}/rotate-secret`);
    expect(Date.parse(defaulted.body.data.previous_secret_expires_at) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    const tooLong = await api.post(`${base}/${e.id}/rotate-secret`, { grace_period_seconds: 8 * 86400 });
    expect(tooLong.body.error).toMatchObject({ code: 'validation_error', param: 'grace_period_seconds' });
    await api.delete(`${base}/${e.id}`);
  });

  it('redelivers a delivered event as a new attempt with the same event id', async () => {
    reset();
    const e = await createEndpoint();
    const first = (await api.post(`${base}/${e.id}/test`)).body.data;
    await receiver.waitFor(1);
    await eventually(async () => (await deliveries(e.id))[0]?.status === 'delivered');
    const re = await api.post(`${base}/${e.id}/deliveries/${first.id}/redeliver`);
    expect(re.status).toBe(201);
    expect(re.body.data).toMatchObject({ event_id: first.event_id, attempt: 2, status: 'pending' });
    const got = await receiver.waitFor(2);
    expect(got[1].body).toBe(got[0].body);
    expect(got[1].headers['webhook-id']).toBe(first.event_id);
    await eventually(async () => (await deliveries(e.id)).every((d) => d.status === 'delivered'));
    expect((await api.post(`${base}/${e.id}/deliveries/${e.id}/redeliver`)).status).toBe(404);
    await api.delete(`${base}/${e.id}`);
  });

  it('enqueues an event once per event id, only to active subscribed endpoints; budget.debited only when listed', async () => {
    reset();
    const all = await createEndpoint({ url: `${receiver.url}/all` });
    const debits = await createEndpoint({ url: `${receiver.url}/debits`, events: ['budget.debited'] });
    const off = await createEndpoint({ url: `${receiver.url}/off`, is_active: false });
    const enqueue = (eventType: 'budget.debited' | 'wallet.topped_up', transactionId: string) =>
      gw.ctx.store.db.transaction().execute((trx) =>
        enqueueWebhookEvent(trx, {
          platformId,
          eventType,
          transactionId,
          createdAt: new Date().toISOString(),
          data: { platform_id: platformId },
        }),
      );
    const tx = crypto.randomUUID();
    const firstTime = await enqueue('wallet.topped_up', tx);
    const replay = await enqueue('wallet.topped_up', tx);
    const debit = await enqueue('budget.debited', crypto.randomUUID());
    expect(firstTime).toMatchObject({ eventId: `${tx}:wallet.topped_up`, enqueued: true });
    expect(firstTime.deliveryIds).toHaveLength(1);
    expect(replay).toEqual({ eventId: `${tx}:wallet.topped_up`, enqueued: false, deliveryIds: [] });
    expect(debit.deliveryIds).toHaveLength(1);
    // A rolled-back movement leaves no event behind.
    const rolledBack = crypto.randomUUID();
    await expect(
      gw.ctx.store.db.transaction().execute(async (trx) => {
        await enqueueWebhookEvent(trx, {
          platformId,
          eventType: 'wallet.topped_up',
          transactionId: rolledBack,
          createdAt: new Date().toISOString(),
          data: {},
        });
        throw new Error('movement refused');
      }),
    ).rejects.toThrow('movement refused');
    wakeWebhookWorker(gw.ctx);
    const got = await receiver.waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(2);
    expect(got.map((g) => `${g.path} ${JSON.parse(g.body).event_type}`).sort()).toEqual([
      '/all wallet.topped_up',
      '/debits budget.debited',
    ]);
    expect(await deliveries(off.id)).toEqual([]);
    expect(JSON.stringify(receiver.received)).not.toContain(rolledBack);
    for (const e of [all, debits, off]) await api.delete(`${base}/${e.id}`);
  });

  it('a disabled endpoint cannot be tested (409); deleting an endpoint deletes its deliveries', async () => {
    const e = await createEndpoint({ is_active: false });
    const res = await api.post(`${base}/${e.id}/test`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(await deliveries(e.id)).toEqual([]);
    await api.delete(`${base}/${e.id}`);
    const left = await gw.ctx.store.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', e.id).execute();
    expect(left).toEqual([]);
  });
});
