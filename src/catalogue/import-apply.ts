/**
 * Applies a price import in one transaction: the routes and providers are read inside it, the diff planned
 * on what was read, and every lowered or unchanged-direction route change plus every added model written;
 * a route whose change raises a price is written only with `allowIncreases`. All or nothing, with one audit
 * row per route changed or added in the same transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import { diffChanges } from '../audit/changes.js';
import { type AuditRun, writeAuditOutside } from '../audit/writer.js';
import { uuidv7 } from '../crypto/ids.js';
import { modelRouteView } from '../management/views.js';
import type { Database, ModelRoutesTable } from '../store/schema.js';
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
  opts: { allowIncreases: boolean; add: boolean; nowIso: string; audit: AuditRun },
): Promise<ImportResult> {
  // The same actions and changes as PATCH/POST /v1/admin/models; model routes belong to no platform.
  const audit = (trx: Kysely<Database>, action: string, before: ModelRoutesTable | null, after: ModelRoutesTable) =>
    writeAuditOutside(trx, opts.audit, opts.nowIso, {
      action,
      resourceType: 'model_route',
      resourceId: after.id,
      platformId: null,
      changes: diffChanges(before && modelRouteView(before), modelRouteView(after)),
    });
  return db.transaction().execute(async (trx) => {
    const { providers, routes } = await loadRoutes(trx);
    const plan = planImport(list, providers, routes, catalogue, opts);
    const heldBack = plan.changed.filter((c) => c.increase && !opts.allowIncreases);
    const apply = plan.changed.filter((c) => !heldBack.includes(c));
    for (const c of apply) {
      const after = await trx
        .updateTable('model_routes')
        .set({ ...c.set, updated_at: opts.nowIso })
        .where('id', '=', c.route.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(trx, 'model_route.update', c.route, after);
    }
    for (const a of plan.added) {
      const row: ModelRoutesTable = {
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
      };
      await trx.insertInto('model_routes').values(row).execute();
      await audit(trx, 'model_route.create', null, row);
    }
    return { plan, updated: apply.length, added: plan.added.length, heldBack };
  });
}
