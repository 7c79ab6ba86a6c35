/**
 * Seeds the provider and model catalogue from price-table.json. Each table version is applied once
 * (recorded in gateway_settings), so routes an operator deleted or repriced are not brought back.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database } from '../store/schema.js';

type PriceTable = {
  version: number;
  providers: Array<{ slug: string; name: string; kind: 'openai' | 'anthropic' | 'google'; base_url: string }>;
  models: Array<{
    slug: string;
    provider: string;
    provider_model_id: string;
    input: number;
    output: number;
    cached_input?: number;
    max_output_tokens: number;
    context_window?: number;
  }>;
};

const toMicros = (usdPerMtok: number) => Math.round(usdPerMtok * 1_000_000);

export function loadPriceTable(): PriceTable {
  return JSON.parse(readFileSync(new URL('./price-table.json', import.meta.url), 'utf8')) as PriceTable;
}

/**
 * Several instances starting at once on one PostgreSQL may race to seed: the loser's transaction fails on
 * a unique index and is simply run again, when it finds the table version already applied.
 */
export async function seedCatalogue(db: Kysely<Database>, nowIso: string): Promise<{ seeded: boolean; version: number }> {
  try {
    return await seedOnce(db, nowIso);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return seedOnce(db, nowIso);
  }
}

async function seedOnce(db: Kysely<Database>, nowIso: string): Promise<{ seeded: boolean; version: number }> {
  const table = loadPriceTable();
  return db.transaction().execute(async (trx) => {
    const applied = await trx.selectFrom('gateway_settings').select('value').where('name', '=', 'catalogue_version').executeTakeFirst();
    if (applied && Number(applied.value) >= table.version) return { seeded: false, version: Number(applied.value) };
    const providerIds = new Map<string, string>();
    for (const p of table.providers) {
      const existing = await trx.selectFrom('providers').select('id').where('slug', '=', p.slug).executeTakeFirst();
      if (existing) {
        providerIds.set(p.slug, existing.id);
        continue;
      }
      const id = uuidv7();
      await trx
        .insertInto('providers')
        .values({
          id,
          slug: p.slug,
          name: p.name,
          kind: p.kind,
          base_url: p.base_url,
          is_active: 1,
          created_at: nowIso,
          updated_at: nowIso,
        })
        .execute();
      providerIds.set(p.slug, id);
    }
    for (const m of table.models) {
      const providerId = providerIds.get(m.provider);
      if (!providerId) throw new Error(`price table: model ${m.slug} names unknown provider ${m.provider}`);
      const existing = await trx
        .selectFrom('model_routes')
        .select('id')
        .where('provider_id', '=', providerId)
        .where('slug', '=', m.slug)
        .executeTakeFirst();
      if (existing) continue;
      await trx
        .insertInto('model_routes')
        .values({
          id: uuidv7(),
          slug: m.slug,
          provider_id: providerId,
          provider_model_id: m.provider_model_id,
          input_micros_per_mtok: toMicros(m.input),
          output_micros_per_mtok: toMicros(m.output),
          cached_input_micros_per_mtok: m.cached_input === undefined ? null : toMicros(m.cached_input),
          max_output_tokens: m.max_output_tokens,
          context_window: m.context_window ?? null,
          priority: 100,
          is_enabled: 1,
          created_at: nowIso,
          updated_at: nowIso,
        })
        .execute();
    }
    if (applied)
      await trx
        .updateTable('gateway_settings')
        .set({ value: String(table.version) })
        .where('name', '=', 'catalogue_version')
        .execute();
    else
      await trx
        .insertInto('gateway_settings')
        .values({ name: 'catalogue_version', value: String(table.version) })
        .execute();
    return { seeded: true, version: table.version };
  });
}
