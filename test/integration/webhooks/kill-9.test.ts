/**
 * At-least-once across a kill -9 (issue 13): the gateway is killed while its worker waits on a receiver that
 * does not answer; a new process on the same database delivers every event, each verifying with
 * standardwebhooks. Nothing is lost because the outbox is the only state.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { dialects } from '../../helpers/suites.js';
import { type Durable, durableDatabase, type Served, serve } from '../crash/spawned-gateway.js';
import { eventually, startReceiver } from './receiver.js';

const EVENTS = 3;

describe.each(dialects)('webhooks survive kill -9 (%s)', (dialect) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('events whose delivery was cut by kill -9 are delivered by the next process', { timeout: 90_000 }, async () => {
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    // The first process's attempts hang: it is killed while they are in flight.
    receiver.answer = () => undefined;
    const db: Durable = await durableDatabase(dialect, { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' });
    cleanup.push(() => db.drop());
    const first: Served = await serve(db);
    cleanup.push(async () => first.child.kill('SIGKILL'));
    const { platformId, platformKey } = await createPlatform(first.url, db.adminKey, 'Crashing');
    const base = `/v1/platforms/${platformId}/webhooks`;
    const endpoint = (await client(first.url, platformKey).post(base, { url: `${receiver.url}/hook`, events: ['*'] })).body.data;
    const eventIds: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const res = await client(first.url, platformKey).post(`${base}/${endpoint.id}/test`);
      expect(res.status).toBe(201);
      eventIds.push(res.body.data.event_id);
    }
    await receiver.waitFor(EVENTS);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    receiver.answer = (_req, res) => res.writeHead(204).end();
    const second = await serve(db);
    cleanup.push(async () => second.child.kill('SIGKILL'));
    const api = client(second.url, platformKey);
    const list = await eventually(async () => {
      const l = (await api.get(`${base}/${endpoint.id}/deliveries?limit=100`)).body.data as Array<{ event_id: string; status: string }>;
      return l.filter((d) => d.status === 'delivered').length === EVENTS && l;
    }, 30_000);
    expect(new Set(list.filter((d) => d.status === 'delivered').map((d) => d.event_id))).toEqual(new Set(eventIds));
    expect(
      list.every((d) => d.status === 'delivered'),
      JSON.stringify(list),
    ).toBe(true);
    // Each event arrived twice: once to the killed process (never answered), once after the restart.
    const received = receiver.received.slice(EVENTS);
    expect(received.map((r) => r.headers['webhook-id']).sort()).toEqual([...eventIds].sort());
    for (const r of received) expect(new Webhook(endpoint.secret).verify(r.body, r.headers)).toMatchObject({ event_type: 'ping' });
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
