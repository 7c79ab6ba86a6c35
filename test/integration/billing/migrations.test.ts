/**
 * Billing contributes its own migration steps (the PostgreSQL money function and its period-reset rule); the
 * store runs them with its own by id. The ids, their order and what each installs stay what earlier versions
 * applied, so a database the previous version migrated (0001–0007, money moved by money function V2)
 * upgrades without re-running any of them, keeps a balanced ledger, and resets a budget's period by the new rule.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openBudget } from '../../../src/billing/budgets.js';
import { createBillingEngine } from '../../../src/billing/engine.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { billingMigrations } from '../../../src/billing/migrations.js';
import { PG_BILLING_FUNCTIONS_V6 } from '../../../src/billing/pg-functions.js';
import { PG_BILLING_FUNCTIONS_V2 } from '../../../src/billing/pg-functions-v2.js';
import { loadConfig } from '../../../src/config.js';
import { generateKey } from '../../../src/crypto/api-keys.js';
import { uuidv7 } from '../../../src/crypto/ids.js';
import { createGateway } from '../../../src/gateway.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { migrateToLatest, migrationsWith } from '../../../src/store/migrations.js';
import { storeReadiness } from '../../../src/store/readiness.js';
import type { Database } from '../../../src/store/schema.js';
import { client } from '../../helpers/http.js';
import { dropPgDatabase } from '../../helpers/server.js';
import { dialects, postgresUrl } from '../../helpers/suites.js';
import { manualClock, plainLogRow, reserveRequest } from './fixtures.js';

/** What the previous version applied, in its order (frozen: a database in the field has exactly these rows). */
const PREVIOUS_IDS = [
  '0001_initial',
  '0002_one_default_llm_config',
  '0003_pg_billing_functions',
  '0004_budget_tx_by_end_user',
  '0005_route_cache_writes_and_tiers',
  '0006_log_rows_in_money_transaction',
  '0007_responses',
];

/** The body PostgreSQL keeps for a function (pg_proc.prosrc): the text between the $fn$ quotes. */
const bodyOf = (createFunction: string) => createFunction.split('$fn$')[1];

async function functionBody(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const { rows } = await sql<{ src: string }>`SELECT prosrc AS src FROM pg_proc WHERE proname = ${name}`.execute(db);
  return rows[0]?.src;
}

describe.each(dialects)('migrations with billing steps (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An empty database of this run's dialect, dropped after the test. */
  async function emptyDatabase(): Promise<{ dataDir: string; databaseUrl?: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'assistiv-migrations-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    if (dialect === 'sqlite') return { dataDir };
    const name = `assistiv_migr_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanups.push(() => dropPgDatabase(name));
    const url = new URL(postgresUrl as string);
    url.pathname = `/${name}`;
    return { dataDir, databaseUrl: url.toString() };
  }

  const open = (where: { dataDir: string; databaseUrl?: string }): Store => {
    const store = openStore(where);
    cleanups.push(() => store.close());
    return store;
  };

  it("a fresh database applies the previous version's ids in their order, then 0008", async () => {
    const store = open(await emptyDatabase());
    const applied = await migrateToLatest(store.db as never, billingMigrations);
    // Later ids (other changes' migrations) may follow; these come first, in this order.
    expect(applied.slice(0, PREVIOUS_IDS.length + 1)).toEqual([...PREVIOUS_IDS, '0008_budget_reset_rule']);
    expect(await migrateToLatest(store.db as never, billingMigrations)).toEqual([]);
    expect(await storeReadiness(store, billingMigrations)).toEqual({ ready: true, database: dialect });
    if (dialect === 'postgres') {
      expect(await functionBody(store.db, 'assistiv_billing')).toBe(bodyOf(PG_BILLING_FUNCTIONS_V6));
      expect(await functionBody(store.db, 'assistiv_budget_reset_start')).toBeDefined();
    }
  });

  it('a database the previous version migrated upgrades without re-running any of them, verifies, and resets the period by the new rule', async () => {
    const where = await emptyDatabase();
    const old = open(where);
    // The previous version's state: every id up to 0007, each step as it ran then.
    const migrator = new Migrator({ db: old.db as never, provider: { getMigrations: async () => migrationsWith(billingMigrations) } });
    const { error } = await migrator.migrateTo('0007_responses');
    expect(error).toBeUndefined();
    if (dialect === 'postgres') {
      expect(await functionBody(old.db, 'assistiv_billing')).toBe(bodyOf(PG_BILLING_FUNCTIONS_V2));
      expect(await functionBody(old.db, 'assistiv_budget_reset_start')).toBeUndefined();
    }
    expect(await storeReadiness(old, billingMigrations)).toEqual({ ready: false, reason: 'migrations pending' });

    // January: a wallet, an end user with a monthly budget, and one call billed as the previous version did.
    const jan = '2026-01-20T12:00:00.000Z';
    const platformId = uuidv7();
    const endUserId = uuidv7();
    await old.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('platforms')
        .values({
          id: platformId,
          name: 'Old',
          slug: `old-${platformId.slice(-6)}`,
          settings: '{}',
          is_active: 1,
          created_at: jan,
          updated_at: jan,
        })
        .execute();
      const walletId = uuidv7();
      await trx
        .insertInto('wallets')
        .values({
          id: walletId,
          platform_id: platformId,
          balance_micros: 10_000_000,
          reserved_micros: 0,
          low_balance_threshold_micros: null,
          is_active: 1,
          created_at: jan,
          updated_at: jan,
        })
        .execute();
      // The top-up's row as the previous version wrote it (today's moveWallet also writes an event: no outbox at 0007).
      await trx
        .insertInto('wallet_transactions')
        .values({
          id: uuidv7(),
          wallet_id: walletId,
          platform_id: platformId,
          type: 'top_up',
          amount_micros: 10_000_000,
          balance_after_micros: 10_000_000,
          description: 'before the upgrade',
          request_id: null,
          end_user_id: null,
          created_at: jan,
        })
        .execute();
      await trx
        .insertInto('end_users')
        .values({
          id: endUserId,
          platform_id: platformId,
          external_id: 'old-user',
          display_name: null,
          metadata: '{}',
          is_active: 1,
          created_at: jan,
          updated_at: jan,
        })
        .execute();
      await openBudget(trx, { platformId, endUserId, maxMicros: 5_000_000, period: 'monthly', nowIso: jan });
    });
    const janRequest = uuidv7();
    if (dialect === 'postgres') {
      // Money function V2 exactly as the previous engine called it: period starts computed by the caller.
      const call = (ops: unknown[]) =>
        sql`SELECT o_status FROM assistiv_billing(${platformId}, ${JSON.stringify(ops)}::jsonb, ${jan}, '2026-01-20T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`.execute(
          old.db,
        );
      const reserved = await call([
        { k: 'r', id: janRequest, eu: endUserId, w: 1_000_000, b: 1_000_000, exp: '2026-01-20T13:00:00.000Z', t1: uuidv7(), t2: uuidv7() },
      ]);
      expect(reserved.rows).toEqual([{ o_status: 'ok' }]);
      const l = plainLogRow(janRequest, platformId, endUserId, jan);
      const settled = await call([{ k: 's', id: janRequest, c: 400_000, ec: 400_000, d: 'January call', t1: uuidv7(), t2: uuidv7(), l }]);
      expect(settled.rows).toEqual([{ o_status: 'settled' }]);
    } else {
      const engine = createBillingEngine({ store: old, clock: manualClock(jan) });
      const r = await engine.reserve(reserveRequest(platformId, endUserId, { requestId: janRequest, markupPercentage: 0 }));
      if (!r.ok) throw new Error(r.message);
      await engine.settle(r.reservation, {
        costMicros: 400_000,
        description: 'January call',
        logRow: plainLogRow(janRequest, platformId, endUserId, jan),
      });
      await engine.close();
    }
    expect((await verifyLedger(old)).differences).toEqual([]);
    await old.close();

    // February: this version starts on it.
    const clock = manualClock('2026-02-03T09:00:00.000Z');
    const config = loadConfig({
      ASSISTIV_DATA_DIR: where.dataDir,
      ASSISTIV_ADMIN_KEY: generateKey('admin'),
      LOG_LEVEL: 'silent',
      ...(where.databaseUrl && { DATABASE_URL: where.databaseUrl, ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
    });
    const gw = await createGateway(config, { clock });
    cleanups.push(() => gw.close());
    const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const applied = (await gw.ctx.store.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .orderBy('name' as never)
      .execute()) as Array<{
      name: string;
    }>;
    expect(applied.map((m) => m.name).slice(0, PREVIOUS_IDS.length + 1)).toEqual([...PREVIOUS_IDS, '0008_budget_reset_rule']);
    expect((await client(url).get('/readyz')).body).toEqual({ status: 'ready', database: dialect });
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);

    const febRequest = uuidv7();
    const r = await gw.ctx.billing.reserve(reserveRequest(platformId, endUserId, { requestId: febRequest, markupPercentage: 0 }));
    if (!r.ok) throw new Error(r.message);
    await gw.ctx.billing.settle(r.reservation, {
      costMicros: 250_000,
      description: 'February call',
      logRow: plainLogRow(febRequest, platformId, endUserId, new Date(clock.now()).toISOString()),
    });
    const { wallet, budget } = await gw.ctx.billing.balances({ platformId, endUserId });
    expect(wallet).toMatchObject({ balance_micros: 10_000_000 - 400_000 - 250_000, heldMicros: 0 });
    expect(budget).toMatchObject({ max_micros: 5_000_000, used_micros: 250_000, period_start: '2026-02-01T00:00:00.000Z', heldMicros: 0 });
    const rows = await gw.ctx.store.db
      .selectFrom('budget_transactions')
      .select(['type', 'amount_micros', 'used_after_micros'])
      .where('end_user_id', '=', endUserId)
      .orderBy('id')
      .execute();
    expect(rows.map((t) => [t.type, t.amount_micros, t.used_after_micros])).toEqual([
      ['opening', 5_000_000, 0],
      ['usage', -400_000, 400_000],
      ['reset', 400_000, 0],
      ['usage', -250_000, 250_000],
    ]);
    expect((await verifyLedger(gw.ctx.store)).differences).toEqual([]);
  });
});
