/**
 * The stored-response store on each database (spec §5a): a response is visible only to the platform and end
 * user that stored it (a platform key's own responses to platform keys), for 30 days; expired rows are
 * invisible at once and deleted by the retention job (src/retention); DELETE removes only the caller's own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ResponseStore, type StoredResponse } from '../../../src/inference/ingress/responses/store.js';
import { pruneOnce } from '../../../src/retention/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function stored(id: string, text: string): StoredResponse {
  const output = [
    {
      type: 'message' as const,
      id: `msg_${id}`,
      status: 'completed' as const,
      role: 'assistant' as const,
      content: [{ type: 'output_text' as const, text, annotations: [] }],
    },
  ];
  return {
    id,
    model: 'm',
    inputItems: [{ type: 'message', role: 'user', content: `asked ${text}` }],
    outputItems: output,
    response: { id, object: 'response', status: 'completed', output, output_text: text } as unknown as StoredResponse['response'],
  };
}

describe.each(dialects)('ResponseStore (%s)', (dialect) => {
  let gw: TestGateway;
  let nowMs = Date.parse('2026-06-01T00:00:00Z');
  let store: ResponseStore;
  const alice = { platformId: 'p1', endUserId: 'alice' };
  const bob = { platformId: 'p1', endUserId: 'bob' };
  const server = { platformId: 'p1', endUserId: null };
  const otherTenant = { platformId: 'p2', endUserId: 'alice' };

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());
  beforeEach(async () => {
    await gw.ctx.store.db.deleteFrom('responses').execute();
    nowMs = Date.parse('2026-06-01T00:00:00Z');
    store = new ResponseStore(gw.ctx.store.db, { now: () => nowMs });
  });

  it('returns what was saved, input and output items included, to its owner only', async () => {
    await store.save(alice, stored('resp_a', 'for alice'));
    await store.save(server, stored('resp_s', 'for the server'));
    expect(await store.get(alice, 'resp_a')).toEqual(stored('resp_a', 'for alice'));
    for (const stranger of [bob, server, otherTenant]) expect(await store.get(stranger, 'resp_a')).toBeNull();
    expect(await store.get(server, 'resp_s')).toEqual(stored('resp_s', 'for the server'));
    for (const stranger of [alice, { platformId: 'p2', endUserId: null }]) expect(await store.get(stranger, 'resp_s')).toBeNull();
    expect(await store.get(alice, 'resp_missing')).toBeNull();
  });

  it('deletes only the caller own response', async () => {
    await store.save(alice, stored('resp_a', 'x'));
    for (const stranger of [bob, server, otherTenant]) expect(await store.delete(stranger, 'resp_a')).toBe(false);
    expect(await store.get(alice, 'resp_a')).not.toBeNull();
    expect(await store.delete(alice, 'resp_a')).toBe(true);
    expect(await store.get(alice, 'resp_a')).toBeNull();
    expect(await store.delete(alice, 'resp_a')).toBe(false);
  });

  it('keeps a response 30 days: then it is invisible at once, and the retention job deletes it', async () => {
    await store.save(alice, stored('resp_old', 'old'));
    nowMs += 30 * DAY_MS - 1;
    expect(await store.get(alice, 'resp_old')).not.toBeNull();
    nowMs += 1;
    expect(await store.get(alice, 'resp_old')).toBeNull();
    expect(await store.delete(alice, 'resp_old')).toBe(false);
    // The row is still there until the retention job runs (one instance of the deployment, every 10 minutes).
    const count = async () => (await gw.ctx.store.db.selectFrom('responses').select('id').execute()).map((r) => r.id).sort();
    await store.save(alice, stored('resp_new', 'new'));
    expect(await count()).toEqual(['resp_new', 'resp_old']);
    const report = await pruneOnce({ store: gw.ctx.store, config: gw.ctx.config, clock: { now: () => nowMs } });
    expect(report.responses).toBe(1);
    expect(await count()).toEqual(['resp_new']);
  });
});
