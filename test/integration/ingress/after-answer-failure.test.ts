/**
 * The after-answer step (storing a Responses answer for `previous_response_id`) runs once the call is billed:
 * when it fails, the failure is logged and the client still gets its answer, billed exactly once, with one log
 * row; only the stored copy is missing. Made to fail from the outside: the responses table is renamed away.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { expectMoneySettled, logRowsOf } from '../../helpers/money-invariants.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('a failing after-answer step (%s)', (dialect) => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInferenceFixture({ dialect });
    await f.addRoute('store-fails', 'openai', 'm-plain');
  });
  afterAll(() => f?.close());

  const withoutResponsesTable = async (run: () => Promise<void>) => {
    const db = f.gw.ctx.store.db;
    await sql`ALTER TABLE responses RENAME TO responses_away`.execute(db);
    try {
      await run();
    } finally {
      await sql`ALTER TABLE responses_away RENAME TO responses`.execute(db);
    }
  };

  it('a JSON answer is still answered and billed once; nothing is stored', async () => {
    let id = '';
    let requestId = '';
    await withoutResponsesTable(async () => {
      const res = await client(f.gw.url, f.endUserKey).post('/v1/responses', { model: 'store-fails', input: 'Hello' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'response', status: 'completed' });
      expect(res.body.output_text ?? JSON.stringify(res.body.output)).toBeTruthy();
      id = res.body.id;
      requestId = res.headers.get('x-request-id') as string;
    });
    const rows = await logRowsOf(f.gw.ctx, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ request_type: 'response', status: 'success', billing_status: 'billed' });
    expect(Number(rows[0].cost_micros)).toBeGreaterThan(0);
    expect((await client(f.gw.url, f.endUserKey).get(`/v1/responses/${id}`)).status).toBe(404);
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });

  it('a stream still ends with response.completed, billed once; nothing is stored', async () => {
    let text = '';
    let requestId = '';
    await withoutResponsesTable(async () => {
      const res = await fetch(`${f.gw.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'store-fails', input: 'Hello', stream: true }),
      });
      expect(res.status).toBe(200);
      requestId = res.headers.get('x-request-id') as string;
      text = await res.text();
    });
    expect(text).toContain('event: response.completed');
    expect(text).not.toContain('event: error');
    const rows = await logRowsOf(f.gw.ctx, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ request_type: 'response', status: 'success', billing_status: 'billed' });
    const id = /"id":"(resp_[0-9a-f]+)"/.exec(text)?.[1];
    expect(id).toBeDefined();
    expect((await client(f.gw.url, f.endUserKey).get(`/v1/responses/${id}`)).status).toBe(404);
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });
});
