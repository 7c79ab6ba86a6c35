/** A platform's provider keys (spec §3, design §5): defaults per provider, key_hint, AES-256-GCM bound to its row. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmConfigAad } from '../../../src/crypto/secret-box.js';
import { expectApiError } from '../../helpers/errors.js';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('llm-configs (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  let openai: string;
  let anthropic: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Config Co'));
    const providers = (await client(gw.url, platformKey).get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
    openai = providers.find((p) => p.slug === 'openai')!.id;
    anthropic = providers.find((p) => p.slug === 'anthropic')!.id;
  });
  afterAll(() => gw?.close());

  const base = () => `/v1/platforms/${platformId}/llm-configs`;
  const defaults = async () => {
    const list = await client(gw.url, platformKey).get(`${base()}?limit=100`);
    return Object.fromEntries(list.body.data.map((c: { name: string; is_default: boolean }) => [c.name, c.is_default]));
  };

  it('the first config of a provider becomes its default; later ones do not', async () => {
    const api = client(gw.url, platformKey);
    const first = await api.post(base(), { provider_id: openai, api_key: 'sk-proj-first-1111', name: 'oa-1' });
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({
      id: expect.any(String),
      platform_id: platformId,
      provider_id: openai,
      name: 'oa-1',
      is_default: true,
      is_active: true,
      priority: 100,
      key_hint: '1111',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const second = await api.post(base(), { provider_id: openai, api_key: 'sk-proj-second-2222', name: 'oa-2' });
    expect(second.body.data.is_default).toBe(false);
    const other = await api.post(base(), { provider_id: anthropic, api_key: 'sk-ant-3333', name: 'an-1' });
    expect(other.body.data.is_default).toBe(true);
    expect(await defaults()).toEqual({ 'oa-1': true, 'oa-2': false, 'an-1': true });
  });

  it('setting a default unsets the provider’s previous default (on create and on PATCH)', async () => {
    const api = client(gw.url, platformKey);
    const third = await api.post(base(), { provider_id: openai, api_key: 'sk-proj-third-4444', name: 'oa-3', is_default: true });
    expect(third.body.data.is_default).toBe(true);
    expect(await defaults()).toEqual({ 'oa-1': false, 'oa-2': false, 'oa-3': true, 'an-1': true });
    const list = (await api.get(`${base()}?limit=100`)).body.data as Array<{ id: string; name: string }>;
    const oa2 = list.find((c) => c.name === 'oa-2')!;
    const patched = await api.patch(`${base()}/${oa2.id}`, { is_default: true, priority: 5 });
    expect(patched.body.data).toMatchObject({ is_default: true, priority: 5 });
    expect(await defaults()).toEqual({ 'oa-1': false, 'oa-2': true, 'oa-3': false, 'an-1': true });
  });

  it('the provider key is never returned; only key_hint, and PATCH api_key re-seals it', async () => {
    const api = client(gw.url, platformKey);
    const created = await api.post(base(), { provider_id: anthropic, api_key: 'sk-ant-api03-TOPSECRET-wxyz', name: 'secret' });
    const id = created.body.data.id;
    for (const res of [created, await api.get(`${base()}/${id}`), await api.get(base())]) {
      expect(JSON.stringify(res.body)).not.toContain('TOPSECRET');
    }
    expect(created.body.data.key_hint).toBe('wxyz');
    const patched = await api.patch(`${base()}/${id}`, { api_key: 'sk-ant-api03-NEWSECRET-abcd' });
    expect(patched.body.data.key_hint).toBe('abcd');
    expect(JSON.stringify(patched.body)).not.toContain('NEWSECRET');
    const row = await gw.ctx.store.db.selectFrom('llm_configs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.encrypted_key).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9+/=]+$/);
    expect(gw.ctx.secretBox.decrypt(row.encrypted_key, llmConfigAad(platformId, id))).toBe('sk-ant-api03-NEWSECRET-abcd');
  });

  it('no provider key appears in plaintext anywhere in the database', async () => {
    const db = gw.ctx.store.db;
    const secrets = ['sk-proj-first-1111', 'sk-proj-second', 'sk-ant-3333', 'TOPSECRET', 'NEWSECRET'];
    // Every table the schema has (not a hand-picked list), dumped row by row.
    const tables = await db.introspection.getTables();
    expect(tables.length).toBeGreaterThanOrEqual(10);
    for (const table of tables) {
      const dump = JSON.stringify(
        await db
          .selectFrom(table.name as never)
          .selectAll()
          .execute(),
      );
      for (const secret of secrets) expect(dump, table.name).not.toContain(secret);
    }
    if (gw.dialect === 'sqlite') {
      // And the bytes on disk, write-ahead log included.
      gw.ctx.store.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
      const dir = gw.ctx.config.dataDir;
      for (const file of readdirSync(dir).filter((f) => f.startsWith('assistiv.sqlite'))) {
        const bytes = readFileSync(join(dir, file)).toString('latin1');
        for (const secret of secrets) expect(bytes, file).not.toContain(secret);
      }
    }
  });

  it('a ciphertext copied to another row (or platform) fails to decrypt: AAD binds it', async () => {
    const api = client(gw.url, platformKey);
    const list = (await api.get(`${base()}?limit=100`)).body.data as Array<{ id: string; name: string }>;
    const source = list.find((c) => c.name === 'oa-1')!;
    const target = list.find((c) => c.name === 'an-1')!;
    const db = gw.ctx.store.db;
    const sealed = (await db.selectFrom('llm_configs').select('encrypted_key').where('id', '=', source.id).executeTakeFirstOrThrow())
      .encrypted_key;
    await db.updateTable('llm_configs').set({ encrypted_key: sealed }).where('id', '=', target.id).execute();
    expect(gw.ctx.secretBox.decrypt(sealed, llmConfigAad(platformId, source.id))).toBe('sk-proj-first-1111');
    expect(() => gw.ctx.secretBox.decrypt(sealed, llmConfigAad(platformId, target.id))).toThrow();
    const other = await createPlatform(gw.url, gw.adminKey, 'Thief Co');
    expect(() => gw.ctx.secretBox.decrypt(sealed, llmConfigAad(other.platformId, source.id))).toThrow();
  });

  it('validates its fields', async () => {
    const api = client(gw.url, platformKey);
    expectApiError(await api.post(base(), { provider_id: openai }), 400, 'validation_error', 'api_key');
    expectApiError(await api.post(base(), { provider_id: openai, api_key: '' }), 400, 'validation_error', 'api_key');
    expectApiError(await api.post(base(), { provider_id: openai, api_key: 'k', priority: -1 }), 400, 'validation_error', 'priority');
    expectApiError(await api.post(base(), { provider_id: openai, api_key: 'k', is_default: 'yes' }), 400, 'validation_error', 'is_default');
    expectApiError(await api.post(base(), { api_key: 'k' }), 400, 'validation_error', 'provider_id');
    const any = (await api.get(base())).body.data[0].id;
    expectApiError(await api.patch(`${base()}/${any}`, { provider_id: anthropic }), 400, 'validation_error', 'provider_id');
  });

  it('PATCH deactivates and DELETE removes', async () => {
    const api = client(gw.url, platformKey);
    const created = await api.post(base(), { provider_id: openai, api_key: 'sk-temp-9999', name: 'temp' });
    const id = created.body.data.id;
    expect((await api.patch(`${base()}/${id}`, { is_active: false, name: 'temp off' })).body.data).toMatchObject({
      is_active: false,
      name: 'temp off',
    });
    expect((await api.delete(`${base()}/${id}`)).status).toBe(204);
    expectApiError(await api.get(`${base()}/${id}`), 404, 'not_found');
    expectApiError(await api.delete(`${base()}/${id}`), 404, 'not_found');
  });
});
