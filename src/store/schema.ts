/**
 * Table types shared by both dialects. Portable column types on purpose: ids are UUID text, times are
 * ISO-8601 UTC text (sortable), booleans are 0/1 integers, JSON is text, and money is integer µUSD
 * (BIGINT on PostgreSQL, parsed back to a JS number: safe up to 9 billion USD).
 */
import type { Generated } from 'kysely';

export type Bool = 0 | 1;

export interface ProvidersTable {
  id: string;
  slug: string;
  name: string;
  kind: 'openai' | 'anthropic' | 'google';
  base_url: string;
  is_active: Bool;
  /** The provider serves OpenAI's Responses API (`/responses`): Responses requests are forwarded to it natively. */
  supports_responses: Bool;
  created_at: string;
  updated_at: string;
}

export interface ModelRoutesTable {
  id: string;
  slug: string;
  provider_id: string;
  provider_model_id: string;
  input_micros_per_mtok: number;
  output_micros_per_mtok: number;
  cached_input_micros_per_mtok: number | null;
  /** 5-minute prompt-cache writes; null = the input price (spec §2 "Prices"). */
  cache_write_micros_per_mtok: number | null;
  /** 1-hour prompt-cache writes; null = the input price. */
  cache_write_1h_micros_per_mtok: number | null;
  /** Long-context tiers as JSON text (`StoredTier[]`, src/billing/money.ts), ascending; null = none. */
  tiers: string | null;
  max_output_tokens: number;
  context_window: number | null;
  priority: number;
  is_enabled: Bool;
  created_at: string;
  updated_at: string;
}

export interface PlatformsTable {
  id: string;
  name: string;
  slug: string;
  settings: string;
  is_active: Bool;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  kind: 'platform' | 'end_user';
  platform_id: string;
  end_user_id: string | null;
  key_hash: string;
  key_prefix: string;
  name: string | null;
  scopes: string;
  is_active: Bool;
  last_used_at: string | null;
  expires_at: string | null;
  created_at: string;
}

export interface LlmConfigsTable {
  id: string;
  platform_id: string;
  provider_id: string;
  name: string | null;
  encrypted_key: string;
  key_hint: string;
  is_default: Bool;
  is_active: Bool;
  priority: number;
  created_at: string;
  updated_at: string;
}

export interface EndUsersTable {
  id: string;
  platform_id: string;
  external_id: string;
  display_name: string | null;
  metadata: string;
  is_active: Bool;
  created_at: string;
  updated_at: string;
}

export interface WalletsTable {
  id: string;
  platform_id: string;
  balance_micros: number;
  reserved_micros: number;
  low_balance_threshold_micros: number | null;
  is_active: Bool;
  created_at: string;
  updated_at: string;
}

export interface WalletTransactionsTable {
  id: string;
  wallet_id: string;
  platform_id: string;
  type: 'top_up' | 'llm_usage' | 'adjustment' | 'refund';
  amount_micros: number;
  balance_after_micros: number;
  description: string | null;
  request_id: string | null;
  end_user_id: string | null;
  created_at: string;
}

export interface BudgetsTable {
  id: string;
  platform_id: string;
  end_user_id: string;
  max_micros: number;
  used_micros: number;
  reserved_micros: number;
  period: 'one_time' | 'daily' | 'monthly';
  period_start: string;
  auto_replenish: Bool;
  replenish_amount_micros: number | null;
  low_balance_threshold_micros: number | null;
  is_active: Bool;
  is_suspended: Bool;
  created_at: string;
  updated_at: string;
}

export interface BudgetTransactionsTable {
  id: string;
  budget_id: string;
  platform_id: string;
  end_user_id: string;
  type: 'opening' | 'top_up' | 'debit' | 'usage' | 'reset' | 'replenish' | 'suspend' | 'unsuspend' | 'adjustment';
  amount_micros: number;
  max_after_micros: number;
  used_after_micros: number;
  reason: string | null;
  metadata: string;
  request_id: string | null;
  created_at: string;
}

/** An open hold on a wallet (and a budget) for one in-flight request: a pending transfer. */
export interface ReservationsTable {
  request_id: string;
  platform_id: string;
  end_user_id: string | null;
  budget_id: string | null;
  wallet_micros: number;
  budget_micros: number;
  created_at: string;
  expires_at: string;
}

export interface RequestLogsTable {
  id: string;
  request_id: string;
  platform_id: string;
  end_user_id: string | null;
  request_type: 'chat.completion' | 'response' | 'message';
  provider_id: string | null;
  model: string;
  provider_model_id: string | null;
  stream: Bool;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  latency_ms: number;
  ttft_ms: number | null;
  cost_micros: number;
  end_user_cost_micros: number;
  status: 'success' | 'error' | 'cancelled' | 'rejected';
  error_code: string | null;
  error_message: string | null;
  token_count_method: 'reported' | 'estimated';
  billing_status: 'billed' | 'not_billed';
  fallback_from: string | null;
  metadata: string;
  created_at: string;
  /** Prompt tokens written to the provider's cache (5-minute and 1-hour writes together; part of prompt_tokens). */
  cache_write_tokens: number;
  /** Output tokens spent reasoning (part of completion_tokens). */
  reasoning_tokens: number;
}

export interface RateLimitsTable {
  id: string;
  platform_id: string;
  /** null = the platform's default for every end user. */
  end_user_id: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  rpd_limit: number | null;
  created_at: string;
  updated_at: string;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  route: string;
  body_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  /** The response body, sealed with the secret box: replays may contain raw keys. */
  response_sealed: string | null;
  created_at: string;
}

export interface SettingsTable {
  name: string;
  value: string;
}

/** A stored Responses API answer (spec §5a); rows past `expires_at` are invisible and purged. */
export interface ResponsesTable {
  /** `resp_…`, the id the client received. */
  id: string;
  platform_id: string;
  /** null for platform-key calls. */
  end_user_id: string | null;
  /** The model the client asked for. */
  model: string;
  /** JSON: the conversation as it was sent (earlier turns and instructions included), as input items. */
  input_items: string;
  /** JSON: the answer's output items. */
  output_items: string;
  /** JSON: the response object as the client received it. */
  response: string;
  created_at: string;
  expires_at: string;
}

/** A platform's webhook endpoint (spec §6). Secrets are `whsec_…`, sealed with the secret box bound to the row. */
export interface WebhookEndpointsTable {
  id: string;
  platform_id: string;
  url: string;
  description: string | null;
  /** JSON array of subscribed event types; `*` = every event except the opt-in `budget.debited`. */
  events: string;
  is_active: Bool;
  encrypted_secret: string;
  /** The secret before the last rotation: it signs too until `previous_secret_expires_at`. */
  previous_encrypted_secret: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The outbox: one row per event, written in the transaction of the movement that causes it. */
export interface WebhookEventsTable {
  /** The envelope's `event_id`, `<transaction_id>:<event_type>`: unique per platform. */
  id: string;
  platform_id: string;
  event_type: string;
  /** The JSON envelope exactly as it is sent (and signed). */
  payload: string;
  created_at: string;
}

/** One delivery attempt of an event to an endpoint; the `pending` row is the queue entry the worker sends. */
export interface WebhookDeliveriesTable {
  id: string;
  platform_id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  attempt: number;
  status: 'pending' | 'delivered' | 'failed' | 'retrying';
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  /** When the pending row is due; on a `retrying` row, when the next attempt is due. */
  next_retry_at: string | null;
  /** Retries stop after this (24 h after the first attempt was scheduled): the attempt then fails for good. */
  retry_until: string;
  delivered_at: string | null;
  created_at: string;
}

/** One management write (spec §3b): append-only; secrets appear only as "changed". */
export interface AuditLogTable {
  id: string;
  /** The platform acted on; null for operator actions on no platform (providers, model routes) and platform deletions. */
  platform_id: string | null;
  /** `cli`: a command run at the server (no request); `system`: the gateway itself (the startup catalogue seed). */
  actor_type: 'member' | 'platform_key' | 'admin_key' | 'operator' | 'cli' | 'system';
  actor_id: string;
  actor_label: string;
  /** `<resource>.<verb>`, e.g. wallet.topup, api_key.revoke. */
  action: string;
  resource_type: string;
  resource_id: string | null;
  /** JSON `{ field: [before, after] }`; a secret field is the string "changed". */
  changes: string;
  request_id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
}

/** A person who signs in to the dashboard (spec §3b); platform_id null = an operator member. */
export interface MembersTable {
  id: string;
  platform_id: string | null;
  /** Lower-cased. */
  email: string;
  display_name: string | null;
  role: 'owner' | 'admin' | 'developer' | 'billing' | 'viewer';
  /** scrypt (src/accounts/passwords.ts); null until the invite is accepted. */
  password_hash: string | null;
  is_active: Bool;
  accepted_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A one-time set-password link; only the token's SHA-256 is kept. */
export interface MemberInvitesTable {
  token_hash: string;
  member_id: string;
  platform_id: string | null;
  expires_at: string;
  spent_at: string | null;
  created_at: string;
}

/** A dashboard session (cookie); only the cookie value's SHA-256 is kept. `expires_at` slides (12 h). */
export interface MemberSessionsTable {
  id_hash: string;
  member_id: string;
  platform_id: string | null;
  csrf_token: string;
  expires_at: string;
  created_at: string;
  last_seen_at: string;
}

/** Failed sign-ins per `email:<address>` and `ip:<address>`, for back-off. */
export interface SignInAttemptsTable {
  key: string;
  failures: number;
  last_failure_at: string;
  blocked_until: string | null;
}

export interface Database {
  providers: ProvidersTable;
  model_routes: ModelRoutesTable;
  platforms: PlatformsTable;
  api_keys: ApiKeysTable;
  llm_configs: LlmConfigsTable;
  end_users: EndUsersTable;
  wallets: WalletsTable;
  wallet_transactions: WalletTransactionsTable;
  budgets: BudgetsTable;
  budget_transactions: BudgetTransactionsTable;
  reservations: ReservationsTable;
  request_logs: RequestLogsTable;
  rate_limits: RateLimitsTable;
  idempotency_keys: IdempotencyKeysTable;
  gateway_settings: SettingsTable;
  responses: ResponsesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  audit_log: AuditLogTable;
  members: MembersTable;
  member_invites: MemberInvitesTable;
  member_sessions: MemberSessionsTable;
  sign_in_attempts: SignInAttemptsTable;
}

export type { Generated };
