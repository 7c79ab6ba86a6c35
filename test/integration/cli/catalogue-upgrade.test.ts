/**
 * The catalogue as `assistiv migrate` seeds it, on each database: a fresh database gets every model of the
 * table with its prices; a deployment on an older table version gets the models added since, once, while
 * routes the operator deleted stay deleted and repriced routes keep their prices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../../src/catalogue/seed.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { runAssistiv } from '../../helpers/spawn.js';
import { dialects } from '../../helpers/suites.js';

const table = loadPriceTable();

describe.each(dialects)('the seeded price catalogue (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());

  const db = () => gw.ctx.store.db;
  const seededRoutes = () =>
    db()
      .selectFrom('model_routes')
      .innerJoin('providers', 'providers.id', 'model_routes.provider_id')
      .select(['providers.slug as provider', 'model_routes.slug', 'input_micros_per_mtok', 'output_micros_per_mtok'])
      .execute();
  const migrate = () =>
    runAssistiv(['migrate'], { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env, ASSISTIV_DATA_DIR: gw.ctx.config.dataDir });

  it('a fresh database has every catalogue model of the four providers, priced, and the table version recorded', async () => {
    const rows = await seededRoutes();
    expect(rows).toHaveLength(table.models.length);
    for (const m of table.models) {
      const row = rows.find((r) => r.provider === m.provider && r.slug === m.slug);
      expect(row, `${m.provider}/${m.slug}`).toMatchObject({
        input_micros_per_mtok: Math.round(m.input * 1e6),
        output_micros_per_mtok: Math.round(m.output * 1e6),
      });
    }
    const version = await db().selectFrom('gateway_settings').select('value').where('name', '=', 'catalogue_version').executeTakeFirst();
    expect(version?.value).toBe(String(table.version));
  });

  it('an upgrade adds the newer models once; deleted routes stay deleted, repriced ones keep their prices', async () => {
    const added = table.models.filter((m) => (m.since ?? 1) === table.version);
    expect(added.length).toBeGreaterThan(0);
    // The state a deployment on the previous table version is in, after its operator's edits.
    await db()
      .deleteFrom('model_routes')
      .where(
        'slug',
        'in',
        added.map((m) => m.slug),
      )
      .execute();
    await db().deleteFrom('model_routes').where('slug', '=', 'gpt-4o').execute();
    await db().updateTable('model_routes').set({ input_micros_per_mtok: 111 }).where('slug', '=', 'gemini-2.5-flash').execute();
    await db()
      .updateTable('gateway_settings')
      .set({ value: String(table.version - 1) })
      .where('name', '=', 'catalogue_version')
      .execute();

    const run = await migrate();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = await seededRoutes();
    for (const m of added)
      expect(
        rows.some((r) => r.slug === m.slug && r.provider === m.provider),
        m.slug,
      ).toBe(true);
    expect(rows.some((r) => r.slug === 'gpt-4o')).toBe(false);
    expect(rows.find((r) => r.slug === 'gemini-2.5-flash')?.input_micros_per_mtok).toBe(111);
    expect(rows).toHaveLength(table.models.length - 1);

    // Applied once: deleting a new model afterwards is not undone by the next start.
    await db().deleteFrom('model_routes').where('slug', '=', added[0].slug).execute();
    expect((await migrate()).code).toBe(0);
    expect((await seededRoutes()).some((r) => r.slug === added[0].slug)).toBe(false);
  });
});
