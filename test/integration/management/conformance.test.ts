/**
 * Spec conformance found on review (issue 10), each from the outside: strict operator writes, §5 step 1
 * order, CORS exposure, markup precision, idempotency purge, budget ledgers that outlive their budget, no
 * event without a listener, and external_id as Unicode text (NFC, no lone surrogates).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneOnce } from '../../../src/retention/index.js';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { manualClock } from '../billing/fixtures.js';

const hourMs = 3_600_000;
const origin = 'https://app.example';

describe.each(dialects)('spec conformance (%s)', (dialect) => {
  const clock = manualClock('2026-05-01T00:00:00.000Z');
  let gw: TestGateway;
  let admin: ReturnType<typeof client>;
  let providerId: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock, env: { ASSISTIV_CORS_ORIGINS: origin } });
    admin = client(gw.url, gw.adminKey);
    providerId = (await admin.get('/v1/admin/providers')).body.data.find((p: { slug: string }) => p.slug === 'openai').id;
  });
  afterAll(() => gw?.close());

  async function tenant(name: string) {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, name);
    const api = client(gw.url, platformKey);
    const eu = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: `${name}-user` });
    return {
      platformId,
      platformKey,
      api,
      base: `/v1/platforms/${platformId}`,
      endUserId: eu.body.data.id,
      endUserKey: eu.body.data.api_key.raw_key,
    };
  }

  it('POST /v1/admin/models rejects an unknown field, naming it, and creates nothing', async () => {
    const body = { slug: 'strict-model', provider_id: providerId, input_usd_per_mtok: 1, output_usd_per_mtok: 2, max_output_tokens: 100 };
    expectApiError(await admin.post('/v1/admin/models', { ...body, is_defualt: true }), 400, 'validation_error', 'is_defualt');
    expect((await admin.get('/v1/admin/models?slug=strict-model')).body.total).toBe(0);
    expect((await admin.post('/v1/admin/models', body)).status).toBe(201);
  });

  it('the admin key is compared exactly: one changed character is a 401', async () => {
    expect((await admin.get('/v1/admin/platforms')).status).toBe(200);
    const last = gw.adminKey.at(-1) === 'a' ? 'b' : 'a';
    expectApiError(await client(gw.url, gw.adminKey.slice(0, -1) + last).get('/v1/admin/platforms'), 401, 'invalid_api_key');
    expectApiError(await client(gw.url, `${gw.adminKey}0`).get('/v1/admin/platforms'), 401, 'invalid_api_key');
  });

  it('§5 step 1 order: the key kind (403 forbidden) is checked before a suspended platform or inactive end user', async () => {
    const t = await tenant('suspended-co');
    const inactive = await t.api.post(`${t.base}/end-users`, { external_id: 'gone' });
    await t.api.patch(`${t.base}/end-users/${inactive.body.data.id}`, { is_active: false });
    const inactiveKey = inactive.body.data.api_key.raw_key;
    // Inactive end user: the wrong route is about the kind, the right one about the state.
    expectApiError(await client(gw.url, inactiveKey).get(t.base), 403, 'forbidden');
    expectApiError(await client(gw.url, inactiveKey).get('/v1/admin/platforms'), 403, 'forbidden');
    expectApiError(await client(gw.url, inactiveKey).get('/v1/me'), 403, 'end_user_inactive');
    expectApiError(
      await client(gw.url, inactiveKey).post('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      403,
      'end_user_inactive',
    );

    expect((await admin.patch(`/v1/admin/platforms/${t.platformId}`, { is_active: false })).status).toBe(200);
    expectApiError(await client(gw.url, t.endUserKey).get(t.base), 403, 'forbidden');
    expectApiError(await client(gw.url, t.platformKey).get('/v1/me'), 403, 'forbidden');
    expectApiError(await client(gw.url, t.platformKey).get('/v1/admin/platforms'), 403, 'forbidden');
    expectApiError(await client(gw.url, t.platformKey).get(t.base), 403, 'platform_suspended');
    // Another platform's path is about the key's reach, told before its own platform's state.
    const other = await tenant('other-co');
    expectApiError(await client(gw.url, t.platformKey).get(other.base), 403, 'forbidden');
    expectApiError(await client(gw.url, t.endUserKey).get('/v1/me'), 403, 'platform_suspended');
  });

  it('CORS exposes idempotent-replayed and x-client-request-id to browsers', async () => {
    const t = await tenant('cors-co');
    const headers = { origin, 'idempotency-key': 'cors-1', 'x-request-id': 'client-id-1' };
    const first = await t.api.post(`${t.base}/wallet/topup`, { amount: 1 }, headers);
    const replay = await t.api.post(`${t.base}/wallet/topup`, { amount: 1 }, headers);
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    for (const res of [first, replay]) {
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['idempotent-replayed', 'x-client-request-id', 'x-request-id', 'retry-after']));
    }
    const me = await client(gw.url, t.endUserKey).get('/v1/me', { origin: 'https://elsewhere.example' });
    expect(me.headers.get('access-control-allow-origin')).toBe('*');
    expect(me.headers.get('access-control-expose-headers')).toContain('x-client-request-id');
  });

  it('markup_percentage with more than 4 decimals is a 400 (never rounded); 4 decimals round-trip', async () => {
    const t = await tenant('markup-co');
    for (const markup of [12.34567, 0.00001, 1e-7]) {
      expectApiError(
        await t.api.patch(t.base, { settings: { markup_percentage: markup } }),
        400,
        'validation_error',
        'settings.markup_percentage',
      );
      expectApiError(
        await admin.patch(`/v1/admin/platforms/${t.platformId}`, { settings: { markup_percentage: markup } }),
        400,
        'validation_error',
        'settings.markup_percentage',
      );
      expectApiError(
        await admin.post('/v1/admin/platforms', { name: 'never', settings: { markup_percentage: markup } }),
        400,
        'validation_error',
        'settings.markup_percentage',
      );
    }
    expect((await t.api.get(t.base)).body.data.settings).toEqual({});
    const ok = await t.api.patch(t.base, { settings: { markup_percentage: 12.3456 } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.settings.markup_percentage).toBe(12.3456);
  });

  it('expired idempotency records are purged by the retention job (test clock), and an expired key executes again', async () => {
    const t = await tenant('purge-co');
    const rows = async () =>
      (await gw.ctx.store.db.selectFrom('idempotency_keys').select('key').where('scope', '=', `platform:${t.platformId}`).execute())
        .map((r) => r.key)
        .sort();
    const topup = (key: string) => t.api.post(`${t.base}/wallet/topup`, { amount: 1 }, { 'idempotency-key': key });
    expect((await topup('k1')).status).toBe(201);
    clock.advance(23 * hourMs);
    expect((await topup('k2')).status).toBe(201);
    expect(await rows()).toEqual(['k1', 'k2']);
    clock.advance(2 * hourMs); // k1 is 25 h old, k2 2 h
    expect((await topup('k3')).status).toBe(201);
    // Requests do not delete expired records (an expired one is ignored); the retention job does, on one instance.
    expect(await rows()).toEqual(['k1', 'k2', 'k3']);
    await pruneOnce(gw.ctx);
    expect(await rows()).toEqual(['k2', 'k3']);
    const again = await topup('k1');
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect((await t.api.get(`${t.base}/wallet`)).body.data.balance).toBe(4);
    clock.advance(30 * hourMs);
    expect((await topup('k4')).status).toBe(201);
    await pruneOnce(gw.ctx);
    expect(await rows()).toEqual(['k4']);
  });

  it("an end user's budget ledger stays readable after its budget is deleted and replaced", async () => {
    const t = await tenant('ledger-co');
    const path = `${t.base}/end-users/${t.endUserId}/budget`;
    const first = await t.api.post(path, { max_usd: 5 });
    await t.api.post(`${path}/topup`, { amount: 1, reason: 'first budget' });
    expect((await t.api.delete(path)).status).toBe(204);
    const afterDelete = await t.api.get(`${path}/transactions`);
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.body.data.map((r: { type: string; amount: number; budget_id: string }) => [r.type, r.amount, r.budget_id])).toEqual([
      ['top_up', 1, first.body.data.id],
      ['opening', 5, first.body.data.id],
    ]);
    const second = await t.api.post(path, { max_usd: 3 });
    expect(second.status).toBe(201);
    const list = await t.api.get(`${path}/transactions`);
    expect(list.body.total).toBe(3);
    expect(
      list.body.data.map((r: { type: string; max_usd_after: number; budget_id: string }) => [r.type, r.max_usd_after, r.budget_id]),
    ).toEqual([
      ['opening', 3, second.body.data.id],
      ['top_up', 6, first.body.data.id],
      ['opening', 5, first.body.data.id],
    ]);
    expect(list.body.data[1].reason).toBe('first budget');
    expectApiError(await t.api.get(`${t.base}/end-users/0190f7a0-0000-7000-8000-00000000dead/budget/transactions`), 404, 'not_found');
  });

  it('external_id: a lone surrogate is a 400; NFC and NFD spellings are one user, found by either', async () => {
    const t = await tenant('unicode-co');
    const lone = await t.api.raw('POST', `${t.base}/end-users`, '{"external_id":"abc\\ud800"}');
    expectApiError(lone, 400, 'validation_error', 'external_id');
    expectApiError(await t.api.raw('POST', `${t.base}/end-users`, '{"external_id":"\\udc00"}'), 400, 'validation_error', 'external_id');
    const nfc = 'Jos\u00e9-\uac00';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const created = await t.api.post(`${t.base}/end-users`, { external_id: nfc });
    expect(created.status).toBe(201);
    const again = await t.api.post(`${t.base}/end-users`, { external_id: nfd });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(created.body.data.id);
    expect(again.body.data.external_id).toBe(nfc);
    for (const spelling of [nfc, nfd]) {
      const found = await t.api.get(`${t.base}/end-users?external_id=${encodeURIComponent(spelling)}`);
      expect(found.body.data.map((u: { id: string }) => u.id)).toEqual([created.body.data.id]);
    }
    // A user first created in NFD is stored in NFC too.
    const decomposed = await t.api.post(`${t.base}/end-users`, { external_id: 'Zo\u0065\u0308' });
    expect(decomposed.body.data.external_id).toBe('Zo\u00eb');
    expect((await client(gw.url, decomposed.body.data.api_key.raw_key).get('/v1/me')).body.data.external_id).toBe('Zo\u00eb');
  });

  it('a NUL character is refused the same way on both databases: 404 in a path id, 400 naming the field elsewhere', async () => {
    const t = await tenant('nul-co');
    expectApiError(await admin.delete('/v1/admin/models/%00'), 404, 'not_found');
    expectApiError(await admin.get('/v1/platforms/%00/end-users'), 404, 'not_found');
    expectApiError(await admin.get('/v1/platforms/not-a-uuid'), 404, 'not_found');
    expectApiError(await t.api.get(`${t.base}/end-users/ab%00cd`), 404, 'not_found');
    expectApiError(await t.api.patch(t.base, { name: 'a\u0000b' }), 400, 'validation_error', 'name');
    expectApiError(await t.api.patch(t.base, { settings: { nested: ['ok', 'x\u0000'] } }), 400, 'validation_error', 'settings.nested[1]');
    expectApiError(
      await t.api.post(`${t.base}/end-users`, { external_id: 'u', metadata: { 'k\u0000': 1 } }),
      400,
      'validation_error',
      'metadata.k\u0000',
    );
    expectApiError(await t.api.get(`${t.base}/end-users?external_id=%00`), 400, 'validation_error', 'external_id');
    expect((await t.api.get(t.base)).body.data.name).toBe('nul-co');
  });

  it('every event the code emits has a listener', () => {
    const srcDir = fileURLToPath(new URL('../../../src/', import.meta.url));
    const emitted = new Set<string>();
    for (const file of readdirSync(srcDir, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      for (const m of readFileSync(join(srcDir, file), 'utf8').matchAll(/events\.emit\(\s*'([^']+)'/g)) emitted.add(m[1]);
    }
    expect(emitted.size).toBeGreaterThanOrEqual(3);
    const listened = new Set(gw.ctx.events.eventNames().map(String));
    for (const name of emitted) expect(listened, name).toContain(name);
    expect(emitted).not.toContain('wallet.changed');
    expect(emitted).not.toContain('keys.revoked');
  });
});
