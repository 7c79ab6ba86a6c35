/**
 * Versioned migrations, run on start. Written with Kysely's schema builder so one definition serves
 * SQLite and PostgreSQL; `money` picks BIGINT on both (SQLite stores it as INTEGER). Storage knows no money
 * rules: modules above it (billing's database functions) contribute their own steps, given by the caller.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

type Db = Kysely<unknown>;

const initial: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('providers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('base_url', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('model_routes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('provider_model_id', 'text', (c) => c.notNull())
      .addColumn('input_micros_per_mtok', 'bigint', (c) => c.notNull())
      .addColumn('output_micros_per_mtok', 'bigint', (c) => c.notNull())
      .addColumn('cached_input_micros_per_mtok', 'bigint')
      .addColumn('max_output_tokens', 'integer', (c) => c.notNull())
      .addColumn('context_window', 'integer')
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(100))
      .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('model_routes_slug').on('model_routes').column('slug').execute();
    await db.schema
      .createIndex('model_routes_provider_model')
      .on('model_routes')
      .columns(['provider_id', 'slug', 'provider_model_id'])
      .unique()
      .execute();

    await db.schema
      .createTable('platforms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text')
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_prefix', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('last_used_at', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_keys_platform').on('api_keys').columns(['platform_id', 'kind', 'id']).execute();
    await db.schema.createIndex('api_keys_end_user').on('api_keys').column('end_user_id').execute();

    await db.schema
      .createTable('llm_configs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('encrypted_key', 'text', (c) => c.notNull())
      .addColumn('key_hint', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(100))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('llm_configs_platform').on('llm_configs').columns(['platform_id', 'provider_id']).execute();

    await db.schema
      .createTable('end_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('end_users_external').on('end_users').columns(['platform_id', 'external_id']).unique().execute();

    await db.schema
      .createTable('wallets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull().unique())
      .addColumn('balance_micros', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('reserved_micros', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('low_balance_threshold_micros', 'bigint')
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('wallet_transactions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('wallet_id', 'text', (c) => c.notNull())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('amount_micros', 'bigint', (c) => c.notNull())
      .addColumn('balance_after_micros', 'bigint', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('request_id', 'text')
      .addColumn('end_user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('wallet_tx_wallet').on('wallet_transactions').columns(['wallet_id', 'id']).execute();
    // A request is settled exactly once: the database refuses a second usage debit.
    await sql`CREATE UNIQUE INDEX wallet_tx_usage_once ON wallet_transactions (request_id) WHERE type = 'llm_usage'`.execute(db);

    await db.schema
      .createTable('budgets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text', (c) => c.notNull().unique())
      .addColumn('max_micros', 'bigint', (c) => c.notNull())
      .addColumn('used_micros', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('reserved_micros', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('period_start', 'text', (c) => c.notNull())
      .addColumn('auto_replenish', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('replenish_amount_micros', 'bigint')
      .addColumn('low_balance_threshold_micros', 'bigint')
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('is_suspended', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('budget_transactions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('budget_id', 'text', (c) => c.notNull())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('amount_micros', 'bigint', (c) => c.notNull())
      .addColumn('max_after_micros', 'bigint', (c) => c.notNull())
      .addColumn('used_after_micros', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('budget_tx_budget').on('budget_transactions').columns(['budget_id', 'id']).execute();
    await sql`CREATE UNIQUE INDEX budget_tx_usage_once ON budget_transactions (request_id) WHERE type = 'usage'`.execute(db);

    await db.schema
      .createTable('reservations')
      .addColumn('request_id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text')
      .addColumn('budget_id', 'text')
      .addColumn('wallet_micros', 'bigint', (c) => c.notNull())
      .addColumn('budget_micros', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reservations_expiry').on('reservations').column('expires_at').execute();

    await db.schema
      .createTable('request_logs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().unique())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text')
      .addColumn('request_type', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('provider_model_id', 'text')
      .addColumn('stream', 'integer', (c) => c.notNull())
      .addColumn('prompt_tokens', 'integer', (c) => c.notNull())
      .addColumn('completion_tokens', 'integer', (c) => c.notNull())
      .addColumn('cached_tokens', 'integer', (c) => c.notNull())
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('ttft_ms', 'integer')
      .addColumn('cost_micros', 'bigint', (c) => c.notNull())
      .addColumn('end_user_cost_micros', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('token_count_method', 'text', (c) => c.notNull())
      .addColumn('billing_status', 'text', (c) => c.notNull())
      .addColumn('fallback_from', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('request_logs_platform').on('request_logs').columns(['platform_id', 'created_at']).execute();
    await db.schema.createIndex('request_logs_end_user').on('request_logs').columns(['end_user_id', 'created_at']).execute();

    await db.schema
      .createTable('rate_limits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text')
      .addColumn('rpm_limit', 'integer')
      .addColumn('tpm_limit', 'integer')
      .addColumn('rpd_limit', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_subject').on('rate_limits').columns(['platform_id', 'end_user_id']).execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('body_hash', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      .addColumn('response_sealed', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
      .execute();

    await db.schema
      .createTable('gateway_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

/** One default provider key per platform and provider, enforced by the database (concurrent creates race). */
const oneDefaultLlmConfig: Migration = {
  async up(db: Db) {
    await sql`CREATE UNIQUE INDEX llm_configs_one_default ON llm_configs (platform_id, provider_id) WHERE is_default = 1`.execute(db);
  },
};

/** An end user's budget ledger is listed across every budget it ever had (a deleted or replaced budget keeps its rows). */
const budgetTxByEndUser: Migration = {
  async up(db: Db) {
    await db.schema.createIndex('budget_tx_end_user').on('budget_transactions').columns(['platform_id', 'end_user_id', 'id']).execute();
  },
};

/** Prompt-cache write prices and long-context tiers on model routes (spec §2 "Prices"); null = none / the input price. */
const routeCacheWritesAndTiers: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('model_routes').addColumn('cache_write_micros_per_mtok', 'bigint').execute();
    await db.schema.alterTable('model_routes').addColumn('cache_write_1h_micros_per_mtok', 'bigint').execute();
    await db.schema.alterTable('model_routes').addColumn('tiers', 'text').execute();
  },
};

/**
 * Log rows count prompt-cache writes and reasoning tokens (spec §2 "Prices"); rows written before are 0. Billing's
 * step of the same id then installs the money function that writes each request's log row with these counts.
 */
const logRowsInMoneyTransaction: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('request_logs')
      .addColumn('cache_write_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('request_logs')
      .addColumn('reasoning_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * Stored Responses API answers (spec §5a): kept 30 days per platform and end user (null for platform-key
 * calls) so `previous_response_id` can continue a conversation; and the providers that speak that API natively.
 */
const responses: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('responses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('end_user_id', 'text')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('input_items', 'text', (c) => c.notNull())
      .addColumn('output_items', 'text', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('responses_scope').on('responses').columns(['platform_id', 'end_user_id', 'id']).execute();
    await db.schema.createIndex('responses_expires_at').on('responses').column('expires_at').execute();
    await db.schema
      .alterTable('providers')
      .addColumn('supports_responses', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * Webhooks (spec §6): endpoints with their sealed signing secrets, the outbox of events (written in the
 * transaction of the movement that causes them, unique per platform) and one row per delivery attempt.
 */
const webhooks: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('encrypted_secret', 'text', (c) => c.notNull())
      .addColumn('previous_encrypted_secret', 'text')
      .addColumn('previous_secret_expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_endpoints_platform').on('webhook_endpoints').columns(['platform_id', 'id']).execute();
    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_events_pk', ['platform_id', 'id'])
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('latency_ms', 'integer')
      .addColumn('error', 'text')
      .addColumn('next_retry_at', 'text')
      .addColumn('retry_until', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_retry_at']).execute();
    await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'id']).execute();
  },
};

/** The audit log (spec §3b): one append-only row per management write, listed per platform newest first. */
const auditLog: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text')
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text')
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_platform').on('audit_log').columns(['platform_id', 'id']).execute();
    await db.schema.createIndex('audit_log_actor_type').on('audit_log').columns(['actor_type', 'id']).execute();
  },
};

/** Dashboard accounts (spec §3b): members, their invites and sessions (secrets stored as SHA-256), sign-in back-off. */
const accounts: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform_id', 'text')
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('accepted_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // One email per platform, and once among operators (platform_id null): NULLs never collide in a plain index.
    await sql`CREATE UNIQUE INDEX members_email ON members (COALESCE(platform_id, ''), email)`.execute(db);
    await db.schema.createIndex('members_by_email').on('members').column('email').execute();
    await db.schema
      .createTable('member_invites')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull())
      .addColumn('platform_id', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('spent_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('member_invites_member').on('member_invites').column('member_id').execute();
    await db.schema
      .createTable('member_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull())
      .addColumn('platform_id', 'text')
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('member_sessions_member').on('member_sessions').column('member_id').execute();
    await db.schema
      .createTable('sign_in_attempts')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure_at', 'text', (c) => c.notNull())
      .addColumn('blocked_until', 'text')
      .execute();
  },
};

/** Retention deletes webhook events by age (src/retention): their primary key is not time-ordered, unlike the deliveries'. */
const webhookEventsByAge: Migration = {
  async up(db: Db) {
    await db.schema.createIndex('webhook_events_created').on('webhook_events').column('created_at').execute();
  },
};

/** The schema's own steps. Ids contributed by other modules (0003, billing's half of 0006) interleave by name. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_one_default_llm_config': oneDefaultLlmConfig,
  '0004_budget_tx_by_end_user': budgetTxByEndUser,
  '0005_route_cache_writes_and_tiers': routeCacheWritesAndTiers,
  '0006_log_rows_in_money_transaction': logRowsInMoneyTransaction,
  '0007_responses': responses,
  '0009_webhooks': webhooks,
  '0011_accounts': accounts,
  '0013_audit_log': auditLog,
  '0017_webhook_events_by_age': webhookEventsByAge,
};

/** Steps another module runs as part of the migrations, by id; Kysely applies all ids in name order. */
export type ContributedMigrations = Record<string, Migration>;

/**
 * The schema's steps with the contributed ones. An id both define runs the schema's step first, then the
 * contributed one, as one migration: the ids (and so already-migrated databases) stay what they were.
 */
export function migrationsWith(contributed: ContributedMigrations): Record<string, Migration> {
  const all: Record<string, Migration> = { ...migrations };
  for (const [id, step] of Object.entries(contributed)) {
    const own = all[id];
    all[id] = own
      ? {
          async up(db: Db) {
            await own.up(db);
            await step.up(db);
          },
        }
      : step;
  }
  return all;
}

const providerOf = (contributed: ContributedMigrations): MigrationProvider => ({ getMigrations: async () => migrationsWith(contributed) });

/**
 * Applies every pending migration; throws with the failing migration's name. The gateway passes billing's
 * steps (`billingMigrations`); without them only the schema is created (unit tests on SQLite).
 */
export async function migrateToLatest(db: Kysely<unknown>, contributed: ContributedMigrations = {}): Promise<string[]> {
  const migrator = new Migrator({ db, provider: providerOf(contributed) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsApplied(db: Kysely<unknown>, contributed: ContributedMigrations = {}): Promise<boolean> {
  const migrator = new Migrator({ db, provider: providerOf(contributed) });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
