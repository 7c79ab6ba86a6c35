/**
 * Applies a price import in one transaction: the routes and providers are read inside it, the diff planned
 * on what was read, and every lowered or unchanged-direction route change plus every added model written;
 * a route whose change raises a price is written only with `allowIncreases`. All or nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import type { Database } from '../store/schema.js';
import { type CatalogueModel, type ImportPlan, planImport, type RouteChange } from './import-plan.js';
import type { PriceList } from './price-list.js';

export type ImportResult = { plan: ImportPlan; updated: number; added: number; heldBack: RouteChange[] };

/** The database's providers and routes, for planning. */
export async function loadRoutes(db: Kysely<Database> | Transaction<Database>) {
  const providers = await db.selectFrom('providers').select(['id', 'slug']).orderBy('slug').execute();
  const routes = await db.selectFrom('model_routes').selectAll().orderBy('slug').orderBy('priority').execute();
  return { providers, routes };
}

export async function planFromDatabase(
  db: Kysely<Database>,
  list: PriceList,
  catalogue: CatalogueModel[],
  opts: { add: boolean },
): Promise<ImportPlan> {
  const { providers, routes } = await loadRoutes(db);
  return planImport(list, providers, routes, catalogue, opts);
}

export function applyImport(
  db: Kysely<Database>,
  list: PriceList,
  catalogue: CatalogueModel[],
  opts: { allowIncreases: boolean; add: boolean; nowIso: string },
): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    const { providers, routes } = await loadRoutes(trx);
    const plan = planImport(list, providers, routes, catalogue, opts);
    const heldBack = plan.changed.filter((c) => c.increase && !opts.allowIncreases);
    const apply = plan.changed.filter((c) => !heldBack.includes(c));
    for (const c of apply) {
      await trx
        .updateTable('model_routes')
        .set({ ...c.set, updated_at: opts.nowIso })
        .where('id', '=', c.route.id)
        .execute();
    }
    for (const a of plan.added) {
      await trx
        .insertInto('model_routes')
        .values({
          id: uuidv7(),
          slug: a.slug,
          provider_id: a.providerId,
          provider_model_id: a.slug,
          ...a.columns,
          max_output_tokens: a.maxOutputTokens,
          context_window: a.contextWindow,
          priority: 100,
          is_enabled: 1,
          created_at: opts.nowIso,
          updated_at: opts.nowIso,
        })
        .execute();
    }
    return { plan, updated: apply.length, added: plan.added.length, heldBack };
  });
}
