/** Idempotency-Key on management POST/PATCH (spec §0): replay, reuse, concurrency, per-platform scope, 24 h. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('Idempotency-Key (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Idem Co'));
  });
  afterAll(() => gw?.close());

  const base = () => `/v1/platforms/${platformId}`;
  const idem = (key: string) => ({ 'idempotency-key': key });

  it('replays the first response (status, body with the raw key) without executing again', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.post(`${base()}/end-users`, { external_id: 'idem-1' }, idem('create-idem-1'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await api.post(`${base()}/end-users`, { external_id: 'idem-1' }, idem('create-idem-1'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(again.body).toEqual(first.body);
    expect(again.body.data.api_key.raw_key).toBe(first.body.data.api_key.raw_key);
    const keys = await gw.ctx.store.db.selectFrom('api_keys').select('id').where('end_user_id', '=', first.body.data.id).execute();
    expect(keys).toHaveLength(1);
    // Without the header the same body executes again: a new key for the same user (200).
    const plain = await api.post(`${base()}/end-users`, { external_id: 'idem-1' });
    expect(plain.status).toBe(200);
    expect(plain.body.data.api_key.raw_key).not.toBe(first.body.data.api_key.raw_key);
  });

  it('stores replays sealed: no raw key in the database', async () => {
    const res = await client(gw.url, platformKey).post(`${base()}/api-keys`, { name: 'sealed' }, idem('sealed-key'));
    const rows = await gw.ctx.store.db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'sealed-key').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].state).toBe('done');
    expect(rows[0].response_status).toBe(201);
    expect(rows[0].response_sealed).not.toContain(res.body.data.raw_key);
    expect(rows[0].response_sealed).not.toContain('sealed');
  });

  it('the same key with another body or route is 409 idempotency_key_reused, and nothing runs', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.post(`${base()}/wallet/topup`, { amount: 5 }, idem('topup-5'));
    expect(first.status).toBe(201);
    expectApiError(await api.post(`${base()}/wallet/topup`, { amount: 6 }, idem('topup-5')), 409, 'idempotency_key_reused');
    expectApiError(await api.post(`${base()}/end-users`, { external_id: 'x' }, idem('topup-5')), 409, 'idempotency_key_reused');
    const wallet = await api.get(`${base()}/wallet`);
    expect(wallet.body.data.balance).toBe(5);
  });

  it('PATCH is idempotent too', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.patch(base(), { name: 'Idem Co 2' }, idem('rename'));
    expect(first.status).toBe(200);
    const again = await api.patch(base(), { name: 'Idem Co 2' }, idem('rename'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expectApiError(await api.patch(base(), { name: 'Idem Co 3' }, idem('rename')), 409, 'idempotency_key_reused');
  });

  it('10 concurrent duplicates: exactly one executes, the rest replay or get idempotency_in_progress', async () => {
    const api = client(gw.url, platformKey);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.post(`${base()}/wallet/topup`, { amount: 1.25, description: 'burst' }, idem('burst'))),
    );
    const executed = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(executed).toHaveLength(1);
    for (const r of results) {
      if (r.status === 201) expect(r.body).toEqual(executed[0].body);
      else expectApiError(r, 409, 'idempotency_in_progress');
    }
    const rows = await gw.ctx.store.db
      .selectFrom('wallet_transactions')
      .select('id')
      .where('platform_id', '=', platformId)
      .where('description', '=', 'burst')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('10 concurrent end-user creates with one key create one user and one key', async () => {
    const api = client(gw.url, platformKey);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.post(`${base()}/end-users`, { external_id: 'burst-user' }, idem('burst-user'))),
    );
    expect(results.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'))).toHaveLength(1);
    for (const r of results) if (r.status !== 201) expectApiError(r, 409, 'idempotency_in_progress');
    const users = await api.get(`${base()}/end-users?external_id=burst-user`);
    expect(users.body.total).toBe(1);
    const keys = await gw.ctx.store.db.selectFrom('api_keys').select('id').where('end_user_id', '=', users.body.data[0].id).execute();
    expect(keys).toHaveLength(1);
  });

  it('keys are scoped per platform', async () => {
    const other = await createPlatform(gw.url, gw.adminKey, 'Idem Other');
    const a = await client(gw.url, platformKey).post(`${base()}/end-users`, { external_id: 'scoped-a' }, idem('shared-key'));
    const b = await client(gw.url, other.platformKey).post(
      `/v1/platforms/${other.platformId}/end-users`,
      { external_id: 'scoped-b' },
      idem('shared-key'),
    );
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.data.external_id).toBe('scoped-b');
  });

  it('the operator key on a platform path shares that platform scope', async () => {
    const admin = client(gw.url, gw.adminKey);
    const first = await admin.post(`${base()}/wallet/topup`, { amount: 2 }, idem('admin-topup'));
    expect(first.status).toBe(201);
    const replay = await client(gw.url, platformKey).post(`${base()}/wallet/topup`, { amount: 2 }, idem('admin-topup'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('a key left in progress by a dead process is taken over after the lock time, not before', async () => {
    const api = client(gw.url, platformKey);
    // The row a request leaves when its process dies between taking the key and answering.
    const stuck = (key: string, body: unknown, ageMs: number) =>
      gw.ctx.store.db
        .insertInto('idempotency_keys')
        .values({
          scope: `platform:${platformId}`,
          key,
          route: `POST ${base()}/api-keys`,
          body_hash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
          state: 'in_progress',
          response_status: null,
          response_sealed: null,
          created_at: new Date(clock.now() - ageMs).toISOString(),
        })
        .execute();
    await stuck('stuck-fresh', { name: 'fresh' }, 1000);
    expectApiError(await api.post(`${base()}/api-keys`, { name: 'fresh' }, idem('stuck-fresh')), 409, 'idempotency_in_progress');
    await stuck('stuck-old', { name: 'taken over' }, gw.ctx.config.limits.idempotencyLockMs + 1000);
    const taken = await api.post(`${base()}/api-keys`, { name: 'taken over' }, idem('stuck-old'));
    expect(taken.status).toBe(201);
    expect(taken.headers.get('idempotent-replayed')).toBeNull();
    expect(taken.body.data.name).toBe('taken over');
  });

  it('errors other than 5xx are replayed too; validation errors are not kept', async () => {
    const api = client(gw.url, platformKey);
    const missing = `${base()}/end-users/0190f7a0-0000-7000-8000-000000000000/api-keys`;
    expectApiError(await api.post(missing, {}, idem('missing-user')), 404, 'not_found');
    const replay = await api.post(missing, {}, idem('missing-user'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.status).toBe(404);
    expectApiError(await api.post(`${base()}/wallet/topup`, { amount: -1 }, idem('bad-amount')), 400, 'validation_error', 'amount');
    expect((await api.post(`${base()}/wallet/topup`, { amount: 1 }, idem('bad-amount'))).status).toBe(201);
  });

  it('a key is forgotten after 24 hours', async () => {
    const api = client(gw.url, platformKey);
    expect((await api.post(`${base()}/api-keys`, { name: 'day one' }, idem('daily'))).status).toBe(201);
    expectApiError(await api.post(`${base()}/api-keys`, { name: 'day two' }, idem('daily')), 409, 'idempotency_key_reused');
    clock.offsetMs = 24 * 60 * 60 * 1000 + 1000;
    try {
      const later = await api.post(`${base()}/api-keys`, { name: 'day two' }, idem('daily'));
      expect(later.status).toBe(201);
      expect(later.headers.get('idempotent-replayed')).toBeNull();
      expect(later.body.data.name).toBe('day two');
    } finally {
      clock.offsetMs = 0;
    }
  });
});
