/** Model route prices beyond input/output (spec §2 "Prices"): cache writes, long-context tiers, their bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPriceTable, seedCatalogue } from '../../../src/catalogue/seed.js';
import { expectApiError } from '../../helpers/errors.js';
import { client } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('model route prices: cache writes and tiers (%s)', (dialect) => {
  let gw: TestGateway;
  let admin: ReturnType<typeof client>;
  let openai: string;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    admin = client(gw.url, gw.adminKey);
    const providers = (await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
    openai = providers.find((p) => p.slug === 'openai')!.id;
  });
  afterAll(() => gw?.close());

  it('the seeded catalogue carries Anthropic cache-write prices and the Gemini 2.5 Pro long-context tier', async () => {
    const sonnet = (await admin.get('/v1/admin/models?slug=claude-sonnet-4')).body.data[0];
    expect(sonnet).toMatchObject({
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cached_input_usd_per_mtok: 0.3,
      cache_write_usd_per_mtok: 3.75,
      cache_write_1h_usd_per_mtok: 6,
    });
    const haiku = (await admin.get('/v1/admin/models?slug=claude-3-5-haiku')).body.data[0];
    expect(haiku).toMatchObject({ input_usd_per_mtok: 0.8, cache_write_usd_per_mtok: 1, cache_write_1h_usd_per_mtok: 1.6, tiers: [] });
    const pro = (await admin.get('/v1/admin/models?slug=gemini-2.5-pro')).body.data[0];
    expect(pro).toMatchObject({ input_usd_per_mtok: 1.25, output_usd_per_mtok: 10, cache_write_usd_per_mtok: null });
    expect(pro.tiers).toEqual([
      {
        above_input_tokens: 200_000,
        input_usd_per_mtok: 2.5,
        output_usd_per_mtok: 15,
        cached_input_usd_per_mtok: 0.25,
        cache_write_usd_per_mtok: null,
        cache_write_1h_usd_per_mtok: null,
      },
    ]);
    const gpt = (await admin.get('/v1/admin/models?slug=gpt-4o')).body.data[0];
    expect(gpt).toMatchObject({ cache_write_usd_per_mtok: null, cache_write_1h_usd_per_mtok: null, tiers: [] });
  });

  it('a catalogue seeded from table v1 gains the new prices on routes still at list price, never on repriced ones', async () => {
    const db = gw.ctx.store.db;
    const pick = (slug: string) => db.selectFrom('model_routes').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
    const clear = { cache_write_micros_per_mtok: null, cache_write_1h_micros_per_mtok: null, tiers: null };
    await db.updateTable('model_routes').set(clear).where('slug', 'in', ['claude-opus-4-1', 'gemini-2.5-pro']).execute();
    await db.updateTable('model_routes').set({ input_micros_per_mtok: 14_000_000 }).where('slug', '=', 'claude-opus-4-1').execute();
    await db.updateTable('gateway_settings').set({ value: '1' }).where('name', '=', 'catalogue_version').execute();
    expect(await seedCatalogue(db, new Date().toISOString())).toEqual({ seeded: true, version: loadPriceTable().version });
    expect(await pick('claude-opus-4-1')).toMatchObject({ ...clear, input_micros_per_mtok: 14_000_000 });
    expect(JSON.parse((await pick('gemini-2.5-pro')).tiers!)[0]).toMatchObject({
      above_input_tokens: 200_000,
      input_micros_per_mtok: 2_500_000,
    });
    expect(await pick('claude-sonnet-4')).toMatchObject({
      cache_write_micros_per_mtok: 3_750_000,
      cache_write_1h_micros_per_mtok: 6_000_000,
    });
  });

  it('stores cache-write prices and tiers as exact µUSD, returns them, and edits or clears them', async () => {
    const tiers = [
      { above_input_tokens: 128_000, input_usd_per_mtok: 0.000003, output_usd_per_mtok: 20, cache_write_usd_per_mtok: 7.654321 },
      {
        above_input_tokens: 1_000_000,
        input_usd_per_mtok: 9,
        output_usd_per_mtok: 30,
        cached_input_usd_per_mtok: 0.9,
        cache_write_1h_usd_per_mtok: 18,
      },
    ];
    const body = {
      slug: 'tiered',
      provider_id: openai,
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cache_write_usd_per_mtok: 3.750001,
      cache_write_1h_usd_per_mtok: 6,
      tiers,
      max_output_tokens: 100,
    };
    const created = await admin.post('/v1/admin/models', body);
    expect(created.status).toBe(201);
    const filled = tiers.map((t) => ({
      cached_input_usd_per_mtok: null,
      cache_write_usd_per_mtok: null,
      cache_write_1h_usd_per_mtok: null,
      ...t,
    }));
    expect(created.body.data).toMatchObject({ cache_write_usd_per_mtok: 3.750001, cache_write_1h_usd_per_mtok: 6, tiers: filled });
    const id = created.body.data.id;
    const row = await gw.ctx.store.db.selectFrom('model_routes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.cache_write_micros_per_mtok, row.cache_write_1h_micros_per_mtok]).toEqual([3_750_001, 6_000_000]);
    expect(JSON.parse(row.tiers!)).toEqual([
      {
        above_input_tokens: 128_000,
        input_micros_per_mtok: 3,
        output_micros_per_mtok: 20_000_000,
        cached_input_micros_per_mtok: null,
        cache_write_micros_per_mtok: 7_654_321,
        cache_write_1h_micros_per_mtok: null,
      },
      {
        above_input_tokens: 1_000_000,
        input_micros_per_mtok: 9_000_000,
        output_micros_per_mtok: 30_000_000,
        cached_input_micros_per_mtok: 900_000,
        cache_write_micros_per_mtok: null,
        cache_write_1h_micros_per_mtok: 18_000_000,
      },
    ]);
    expect((await admin.get(`/v1/admin/models/${id}`)).body.data.tiers).toEqual(filled);

    const patched = await admin.patch(`/v1/admin/models/${id}`, { cache_write_usd_per_mtok: null, tiers: [] });
    expect(patched.body.data).toMatchObject({ cache_write_usd_per_mtok: null, cache_write_1h_usd_per_mtok: 6, tiers: [] });
    const again = await admin.patch(`/v1/admin/models/${id}`, { tiers: [tiers[0]] });
    expect(again.body.data.tiers).toEqual([filled[0]]);
    expect((await admin.patch(`/v1/admin/models/${id}`, { tiers: null })).body.data.tiers).toEqual([]);
  });

  it('a bad price or tier is a 400 naming the field', async () => {
    const good = { slug: 'bad', provider_id: openai, input_usd_per_mtok: 1, output_usd_per_mtok: 2, max_output_tokens: 10 };
    const tier = { above_input_tokens: 1000, input_usd_per_mtok: 2, output_usd_per_mtok: 4 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ cache_write_usd_per_mtok: -0.5 }, 'cache_write_usd_per_mtok'],
      [{ cache_write_usd_per_mtok: 1.0000001 }, 'cache_write_usd_per_mtok'],
      [{ cache_write_1h_usd_per_mtok: '6' }, 'cache_write_1h_usd_per_mtok'],
      [{ cache_write_1h_usd_per_mtok: 1e308 }, 'cache_write_1h_usd_per_mtok'],
      [{ tiers: {} }, 'tiers'],
      [{ tiers: [tier, { ...tier, input_usd_per_mtok: undefined }] }, 'tiers[1].input_usd_per_mtok'],
      [{ tiers: [{ ...tier, output_usd_per_mtok: undefined }] }, 'tiers[0].output_usd_per_mtok'],
      [{ tiers: [tier, { ...tier, above_input_tokens: 1000 }] }, 'tiers[1].above_input_tokens'],
      [{ tiers: [tier, { ...tier, above_input_tokens: 999 }] }, 'tiers[1].above_input_tokens'],
      [{ tiers: [{ ...tier, above_input_tokens: -1 }] }, 'tiers[0].above_input_tokens'],
      [{ tiers: [tier, { ...tier, above_input_tokens: 2000, cached_input_usd_per_mtok: -1 }] }, 'tiers[1].cached_input_usd_per_mtok'],
      [{ tiers: [{ ...tier, cache_write_usd_per_mtok: 0.1234567 }] }, 'tiers[0].cache_write_usd_per_mtok'],
      [{ tiers: [{ ...tier, surprise: 1 }] }, 'tiers[0].surprise'],
    ];
    for (const [patch, param] of cases) {
      const res = await admin.post('/v1/admin/models', { ...good, ...patch });
      expectApiError(res, 400, 'validation_error', param);
      expect(res.body.error.message).toContain(param);
    }
    // Nothing was stored by the refusals, and PATCH applies the same rules.
    expect((await admin.get('/v1/admin/models?slug=bad')).body.total).toBe(0);
    const ok = await admin.post('/v1/admin/models', good);
    expectApiError(
      await admin.patch(`/v1/admin/models/${ok.body.data.id}`, { tiers: [tier, { ...tier, above_input_tokens: 10 }] }),
      400,
      'validation_error',
      'tiers[1].above_input_tokens',
    );
  });
});
