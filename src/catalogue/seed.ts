/**
 * Seeds the provider and model catalogue from price-table.json. Each table version is applied once
 * (recorded in gateway_settings), so routes an operator deleted or repriced are not brought back: an upgrade
 * inserts only the models added since the applied version (`since`), never an older one the operator deleted.
 * An upgrade's changes are audited (actor `system`), one row each, in the seeding transaction.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { catalogueSeedActor } from '../audit/actor.js';
import { diffChanges } from '../audit/changes.js';
import { type AuditEntry, auditRun, writeAuditOutside } from '../audit/writer.js';
import { tiersColumn } from '../billing/price-tiers.js';
import { uuidv7 } from '../crypto/ids.js';
import { modelRouteView, providerView } from '../management/views.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database, ModelRoutesTable, ProvidersTable } from '../store/schema.js';

export type PriceTable = {
  /** Raised when models are added: each version is seeded once, adding the routes it does not have yet. */
  version: number;
  /** Where the prices come from (package and version, or pages). */
  source: string;
  /** The date of the source's data (YYYY-MM-DD). */
  source_date: string;
  providers: Array<{ slug: string; name: string; kind: 'openai' | 'anthropic' | 'google'; base_url: string }>;
  models: Array<{
    slug: string;
    provider: string;
    provider_model_id: string;
    input: number;
    output: number;
    cached_input?: number;
    /** 5-minute prompt-cache writes (absent: the input price). */
    cache_write?: number;
    /** 1-hour prompt-cache writes (absent: the input price). */
    cache_write_1h?: number;
    tiers?: TableTier[];
    max_output_tokens: number;
    context_window?: number;
    /** The table version that added the model (absent: 1). */
    since?: number;
  }>;
};

type TableTier = {
  above_input_tokens: number;
  input: number;
  output: number;
  cached_input?: number;
  cache_write?: number;
  cache_write_1h?: number;
};

const toMicros = (usdPerMtok: number) => Math.round(usdPerMtok * 1_000_000);
const toMicrosOrNull = (usdPerMtok: number | undefined) => (usdPerMtok === undefined ? null : toMicros(usdPerMtok));

function tiersText(tiers: TableTier[] | undefined): string | null {
  return tiersColumn(
    tiers?.map((t) => ({
      above_input_tokens: t.above_input_tokens,
      input_usd_per_mtok: toMicros(t.input),
      output_usd_per_mtok: toMicros(t.output),
      cached_input_usd_per_mtok: toMicrosOrNull(t.cached_input),
      cache_write_usd_per_mtok: toMicrosOrNull(t.cache_write),
      cache_write_1h_usd_per_mtok: toMicrosOrNull(t.cache_write_1h),
    })),
  );
}

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
    const appliedVersion = applied ? Number(applied.value) : 0;
    if (applied && appliedVersion >= table.version) return { seeded: false, version: appliedVersion };
    // The first seed fills an empty database with the shipped table (its starting state, no operator's
    // value changed): no rows, else every new install's log would open with one per model. An upgrade
    // changes a catalogue operators have used and edited: each change is recorded.
    const run = applied ? auditRun(catalogueSeedActor(table.version)) : null;
    const audit = async (entry: AuditEntry) => {
      if (run) await writeAuditOutside(trx, run, nowIso, { ...entry, platformId: null });
    };
    const created = (resourceType: 'provider' | 'model_route', id: string, view: Record<string, unknown>) =>
      audit({ action: `${resourceType}.create`, resourceType, resourceId: id, changes: diffChanges(null, view) });
    const providerIds = new Map<string, string>();
    for (const p of table.providers) {
      const existing = await trx.selectFrom('providers').select('id').where('slug', '=', p.slug).executeTakeFirst();
      if (existing) {
        providerIds.set(p.slug, existing.id);
        continue;
      }
      const row: ProvidersTable = {
        id: uuidv7(),
        slug: p.slug,
        name: p.name,
        kind: p.kind,
        base_url: p.base_url,
        is_active: 1,
        supports_responses: 0,
        created_at: nowIso,
        updated_at: nowIso,
      };
      await trx.insertInto('providers').values(row).execute();
      await created('provider', row.id, providerView(row));
      providerIds.set(p.slug, row.id);
    }
    for (const m of table.models) {
      const providerId = providerIds.get(m.provider);
      if (!providerId) throw new Error(`price table: model ${m.slug} names unknown provider ${m.provider}`);
      const existing = await trx
        .selectFrom('model_routes')
        .selectAll()
        .where('provider_id', '=', providerId)
        .where('slug', '=', m.slug)
        .executeTakeFirst();
      if (existing) {
        // Table v2 added cache-write prices and tiers: a route still at the table's prices gets the ones it
        // lacks; a route the operator repriced is left alone.
        if (existing.input_micros_per_mtok === toMicros(m.input) && existing.output_micros_per_mtok === toMicros(m.output)) {
          const after = await trx
            .updateTable('model_routes')
            .set((eb) => ({
              cache_write_micros_per_mtok: eb.fn.coalesce('cache_write_micros_per_mtok', eb.val(toMicrosOrNull(m.cache_write))),
              cache_write_1h_micros_per_mtok: eb.fn.coalesce('cache_write_1h_micros_per_mtok', eb.val(toMicrosOrNull(m.cache_write_1h))),
              tiers: eb.fn.coalesce('tiers', eb.val(tiersText(m.tiers))),
            }))
            .where('id', '=', existing.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          // A route that had every price already is not changed: no row.
          const changes = diffChanges(modelRouteView(existing), modelRouteView(after));
          if (Object.keys(changes).length > 0)
            await audit({ action: 'model_route.update', resourceType: 'model_route', resourceId: after.id, changes });
        }
        continue;
      }
      // A model an earlier version seeded and the route is gone: the operator deleted it.
      if ((m.since ?? 1) <= appliedVersion) continue;
      const row: ModelRoutesTable = {
        id: uuidv7(),
        slug: m.slug,
        provider_id: providerId,
        provider_model_id: m.provider_model_id,
        input_micros_per_mtok: toMicros(m.input),
        output_micros_per_mtok: toMicros(m.output),
        cached_input_micros_per_mtok: toMicrosOrNull(m.cached_input),
        cache_write_micros_per_mtok: toMicrosOrNull(m.cache_write),
        cache_write_1h_micros_per_mtok: toMicrosOrNull(m.cache_write_1h),
        tiers: tiersText(m.tiers),
        max_output_tokens: m.max_output_tokens,
        context_window: m.context_window ?? null,
        priority: 100,
        is_enabled: 1,
        created_at: nowIso,
        updated_at: nowIso,
      };
      await trx.insertInto('model_routes').values(row).execute();
      await created('model_route', row.id, modelRouteView(row));
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
