import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from './secrets.js';
import { signedHeaders } from './signing.js';

describe('Standard Webhooks signing', () => {
  it('produces what the standardwebhooks library signs and verifies, for any id and body', () => {
    const seed = Date.now();
    try {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 500 }), (id, body) => {
          const secret = newWebhookSecret();
          const now = new Date();
          const ts = Math.floor(now.getTime() / 1000);
          const headers = signedHeaders([secret], id, ts, body);
          expect(headers['webhook-signature']).toBe(new Webhook(secret).sign(id, now, body));
          expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
        }),
        { seed, numRuns: 200 },
      );
    } catch (err) {
      throw new Error(`seed ${seed}: ${String(err)}`);
    }
  });

  it('signs with every secret given: a receiver holding either one verifies', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"event_type":"ping"}';
    const headers = signedHeaders([a, b], 'evt:ping', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(a).verify(body, headers)).toEqual({ event_type: 'ping' });
    expect(new Webhook(b).verify(body, headers)).toEqual({ event_type: 'ping' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });
});
