/**
 * On SQLite a settlement that enqueues a webhook event wakes the delivery worker after its commit, so the event
 * goes out at once rather than at the worker's next poll (set to a minute here). PostgreSQL's money function
 * enqueues inside SQL, unseen by the process: its settlement events wait for the poll (docs/decisions.md).
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { type Receiver, startReceiver } from './receiver.js';

describe('settlement events wake the delivery worker (sqlite)', () => {
  let f: InferenceFixture;
  let receiver: Receiver;
  beforeAll(async () => {
    f = await startInferenceFixture({
      dialect: 'sqlite',
      walletUsd: 100,
      env: { ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' },
      webhooks: { pollIntervalMs: 60_000 },
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await f?.close();
  });

  it('a wallet.low_balance from a settlement is delivered within a few seconds, not at the next poll', async () => {
    const base = `/v1/platforms/${f.platformId}`;
    const platform = client(f.gw.url, f.platformKey);
    const hook = (await platform.post(`${base}/webhooks`, { url: `${receiver.url}/h`, events: ['wallet.low_balance'] })).body.data;
    // Just under the balance: the next call's settlement crosses it.
    const balance = (await platform.get(`${base}/wallet`)).body.data.balance as number;
    expect((await platform.patch(`${base}/wallet`, { low_balance_threshold: balance - 0.000001 })).status).toBe(200);
    const started = Date.now();
    const res = await client(f.gw.url, f.endUserKey).post('/v1/chat/completions', {
      model: 'gpt-4o',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(res.status).toBe(200);
    await receiver.waitFor(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    const event = new Webhook(hook.secret).verify(receiver.received[0].body, receiver.received[0].headers) as { event_type: string };
    expect(event.event_type).toBe('wallet.low_balance');
  });
});
