/**
 * A settlement that enqueues a webhook event wakes the delivery worker after its commit, so the event goes out
 * at once rather than at the worker's next poll (set to a minute here). SQLite's engine wakes its own worker;
 * PostgreSQL's money function enqueues inside SQL and ends with NOTIFY, which every instance's listening
 * session (store/notifications.ts) turns into a wake. A killed listening session is reopened.
 */
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { itOnlyOn } from '../../helpers/only-on.js';
import { dialects } from '../../helpers/suites.js';
import { eventually, type Receiver, startReceiver } from './receiver.js';

describe.each(dialects)('settlement events wake the delivery worker (%s)', (dialect) => {
  let f: InferenceFixture;
  let receiver: Receiver;
  let secret: string;
  beforeAll(async () => {
    f = await startInferenceFixture({
      dialect,
      walletUsd: 100,
      env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' },
      webhooks: { pollIntervalMs: 60_000 },
    });
    receiver = await startReceiver();
    const hook = await client(f.gw.url, f.platformKey).post(`/v1/platforms/${f.platformId}/webhooks`, {
      url: `${receiver.url}/h`,
      events: ['wallet.low_balance'],
    });
    secret = hook.body.data.secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await f?.close();
  });

  /** Sets the wallet's threshold just under its balance, so the next call's settlement crosses it; returns when delivered. */
  const crossTheThreshold = async (nth: number): Promise<number> => {
    const base = `/v1/platforms/${f.platformId}`;
    const platform = client(f.gw.url, f.platformKey);
    const balance = (await platform.get(`${base}/wallet`)).body.data.balance as number;
    expect((await platform.patch(`${base}/wallet`, { low_balance_threshold: balance - 0.000001 })).status).toBe(200);
    const started = Date.now();
    const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'gpt-4o',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(res.status).toBe(200);
    await receiver.waitFor(nth);
    const event = new Webhook(secret).verify(receiver.received[nth - 1].body, receiver.received[nth - 1].headers) as { event_type: string };
    expect(event.event_type).toBe('wallet.low_balance');
    return Date.now() - started;
  };

  it('a wallet.low_balance from a settlement is delivered within a few seconds, not at the next poll', async () => {
    expect(await crossTheThreshold(1)).toBeLessThan(10_000);
  });

  itOnlyOn(dialect, 'postgres')('a killed listening session is reopened, and wakes the worker again', async () => {
    const sessions = async () =>
      (
        await sql<{ pid: number }>`select pid from pg_stat_activity
          where datname = current_database() and application_name like 'assistiv-listen %'`.execute(f.gw.ctx.store.db)
      ).rows.map((r) => r.pid);
    const [first] = await sessions();
    expect(first).toBeTypeOf('number');
    await sql`select pg_terminate_backend(${first})`.execute(f.gw.ctx.store.db);
    const reopened = await eventually(async () => {
      const now = await sessions();
      return now.length === 1 && now[0] !== first && now[0];
    });
    expect(reopened).not.toBe(first);
    expect(await crossTheThreshold(2)).toBeLessThan(10_000);
  });
});
