/**
 * Billing's migration steps: the PostgreSQL money function and its period-reset rule (pg-functions*.ts).
 * The store runs them with its own, by id (`migrateToLatest(db, billingMigrations)`); SQLite has no function
 * to install (its engine is TypeScript), so there a step only records its id, or changes billing's columns.
 */
import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';
import { PG_BILLING_FUNCTIONS_V6, PG_BUDGET_RESET_RULE, PG_WEBHOOK_EVENT_FUNCTIONS } from './pg-functions.js';
import { PG_BILLING_FUNCTIONS_V1 } from './pg-functions-v1.js';
import { PG_BILLING_FUNCTIONS_V2 } from './pg-functions-v2.js';
import { PG_BILLING_FUNCTIONS_V4, PG_WEBHOOK_EVENT_FUNCTIONS_V1 } from './pg-functions-v4.js';
import { PG_BILLING_FUNCTIONS_V5 } from './pg-functions-v5.js';

type Db = Kysely<unknown>;

/** A step that runs its SQL on PostgreSQL only. */
const onPostgres = (...statements: string[]): Migration => ({
  async up(db: Db) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
});

/**
 * Ids are the migration ids these steps always ran under (0003 alone; 0006 after the store's log-row columns,
 * which V2 writes): a database migrated before billing contributed its own steps sees nothing new but 0008.
 */
export const billingMigrations: Record<string, Migration> = {
  '0003_pg_billing_functions': onPostgres(PG_BILLING_FUNCTIONS_V1),
  '0006_log_rows_in_money_transaction': onPostgres(PG_BILLING_FUNCTIONS_V2),
  // The rule alone: V4 (0014) is the first money function that calls it (V3 was never released).
  '0008_budget_reset_rule': onPostgres(PG_BUDGET_RESET_RULE),
  '0014_low_balance_events': {
    async up(db: Db) {
      // budget.exhausted's mark (a UUIDv7, or null): on both databases; the engines read it with their own SQL.
      await db.schema.alterTable('budgets').addColumn('exhausted_notified_id', 'text').execute();
      await onPostgres(PG_WEBHOOK_EVENT_FUNCTIONS_V1, PG_BILLING_FUNCTIONS_V4).up(db);
    },
  },
  // assistiv_enqueue_webhook notifies the instances' delivery workers (NOTIFY assistiv_webhooks) at commit.
  '0015_webhook_wake': onPostgres(PG_WEBHOOK_EVENT_FUNCTIONS),
  // A call of one operation runs on plans the session keeps (V4 planned three statements afresh at each call).
  '0016_money_function_cached_plans': onPostgres(PG_BILLING_FUNCTIONS_V5),
  // Reserves from the prompt's byte bound: the tokenizer runs only where the bound would refuse or replenish.
  '0018_reserve_from_prompt_bound': onPostgres(PG_BILLING_FUNCTIONS_V6),
};
