/**
 * One delivery worker per deployment at a time (issue 13): two gateways on one PostgreSQL database both run
 * a worker, woken by their own requests, and every event still reaches the receiver exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { postgresUrl } from '../../helpers/suites.js';
import { eventually, type Receiver, startReceiver } from './receiver.js';

const EVENTS = 30;

describe.skipIf(!postgresUrl)('webhooks with two instances on one PostgreSQL database', () => {
  let a: TestGateway;
  let b: TestGateway;
  let receiver: Receiver;

  beforeAll(async () => {
    const env = { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' };
    a = await startTestGateway({ dialect: 'postgres', env, webhooks: { pollIntervalMs: 20 } });
    b = await startTestGateway({ sameDatabaseAs: a, env, webhooks: { pollIntervalMs: 20 } });
    receiver = await startReceiver();
    // Slow answers keep attempts in flight while the other instance polls.
    receiver.answer = (_req, res) => setTimeout(() => res.writeHead(204).end(), 50);
  });
  afterAll(async () => {
    await receiver?.close();
    await b?.close();
    await a?.close();
  });

  it('sends each event once although both instances poll and are woken', async () => {
    const { platformId, platformKey } = await createPlatform(a.url, a.adminKey, 'Twins');
    const base = `/v1/platforms/${platformId}/webhooks`;
    const endpoint = (await client(a.url, platformKey).post(base, { url: `${receiver.url}/hook`, events: ['*'] })).body.data;
    const ids = await Promise.all(
      Array.from({ length: EVENTS }, async (_, i) => {
        const res = await client(i % 2 ? a.url : b.url, platformKey).post(`${base}/${endpoint.id}/test`);
        return res.body.data.event_id as string;
      }),
    );
    await receiver.waitFor(EVENTS, 20_000);
    await eventually(async () => {
      const list = (await client(a.url, platformKey).get(`${base}/${endpoint.id}/deliveries?limit=100`)).body.data;
      return list.length === EVENTS && list.every((d: { status: string }) => d.status === 'delivered');
    });
    await new Promise((r) => setTimeout(r, 500));
    const got = receiver.received.map((r) => r.headers['webhook-id']);
    expect(got).toHaveLength(EVENTS);
    expect(new Set(got)).toEqual(new Set(ids));
  });
});
