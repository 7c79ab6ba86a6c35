/**
 * Response schemas of the management API: the same zod schemas serialize each reply and describe it in
 * /openapi.json. Named objects (`.meta({ id })`) become `components.schemas` the dashboard's types come from.
 * A field missing here is stripped from the reply, so every view is typed against its schema (views.ts).
 */
import { z } from 'zod';
import { ErrorBody, withErrors } from '../http/error-schema.js';

/** ISO-8601 UTC text (spec §0). */
export const timestamp = z.string().meta({ format: 'date-time' });
/** A USD amount: a number with at most 6 decimals (spec §0 Money). */
export const usd = z.number();
const count = z.number().int();
const jsonObject = z.record(z.string(), z.unknown());

// The §1 error body lives with the HTTP layer (the inference routes describe it too).
export { ErrorBody, withErrors };

/** One resource: `{ data: { ... } }`. */
export const dataOf = <T extends z.ZodType>(item: T) => z.object({ data: item });

/** A list page: `{ data: [...], total, page, limit }` (spec §0 Envelopes). */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), total: count, page: count, limit: count });

/** 204: no body. */
export const noContent = z.undefined().describe('No content');

/**
 * Compile-time proof that a view returns exactly its schema's input: no missing and no extra field (an
 * extra one would be stripped silently). Used where the view lives outside this folder.
 */
export type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Operator catalogue (spec §2)

export const Provider = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    kind: z.enum(['openai', 'anthropic', 'google']),
    base_url: z.string(),
    is_active: z.boolean(),
    supports_responses: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Provider' });

/** What a platform key sees of a provider. */
export const ProviderSummary = Provider.pick({ id: true, slug: true, name: true, kind: true, is_active: true }).meta({
  id: 'ProviderSummary',
});

export const PriceTier = z
  .object({
    above_input_tokens: count,
    input_usd_per_mtok: usd,
    output_usd_per_mtok: usd,
    cached_input_usd_per_mtok: usd.nullable(),
    cache_write_usd_per_mtok: usd.nullable(),
    cache_write_1h_usd_per_mtok: usd.nullable(),
  })
  .meta({ id: 'PriceTier' });

export const ModelRoute = z
  .object({
    id: z.string(),
    slug: z.string(),
    provider_id: z.string(),
    provider_model_id: z.string(),
    input_usd_per_mtok: usd,
    output_usd_per_mtok: usd,
    cached_input_usd_per_mtok: usd.nullable(),
    cache_write_usd_per_mtok: usd.nullable(),
    cache_write_1h_usd_per_mtok: usd.nullable(),
    tiers: z.array(PriceTier),
    max_output_tokens: count,
    context_window: count.nullable(),
    priority: count,
    is_enabled: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'ModelRoute' });

// Platforms and keys (spec §3)

/**
 * A platform's settings: the keys the gateway reads (validated as they are written, see schemas.ts), and any
 * other key kept as given.
 */
export const PlatformSettings = z
  .object({
    markup_percentage: z.number().nullable().optional(),
    default_budget_usd: usd.nullable().optional(),
    low_balance_thresholds: z.array(z.number()).nullable().optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'PlatformSettings' });

export const Platform = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    settings: PlatformSettings,
    is_active: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Platform' });

export const ApiKey = z
  .object({
    id: z.string(),
    platform_id: z.string(),
    end_user_id: z.string().nullable(),
    type: z.enum(['platform', 'end_user']),
    key_prefix: z.string(),
    name: z.string().nullable(),
    scopes: z.array(z.string()),
    is_active: z.boolean(),
    last_used_at: timestamp.nullable(),
    expires_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'ApiKey' });

/** A key as its create response shows it: the raw key, once. */
export const CreatedApiKey = ApiKey.extend({ raw_key: z.string() }).meta({ id: 'CreatedApiKey' });

/** The `api_key` object of platform and end-user create responses (quick start step 3). */
export const IssuedKey = z
  .object({ id: z.string(), key_prefix: z.string(), raw_key: z.string(), expires_at: timestamp.nullable() })
  .meta({ id: 'IssuedKey' });

export const CreatedPlatform = Platform.extend({ api_key: IssuedKey }).meta({ id: 'CreatedPlatform' });

export const LlmConfig = z
  .object({
    id: z.string(),
    platform_id: z.string(),
    provider_id: z.string(),
    name: z.string().nullable(),
    is_default: z.boolean(),
    is_active: z.boolean(),
    priority: count,
    key_hint: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'LlmConfig' });

export const EndUser = z
  .object({
    id: z.string(),
    platform_id: z.string(),
    external_id: z.string(),
    display_name: z.string().nullable(),
    metadata: jsonObject,
    is_active: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'EndUser' });

export const CreatedEndUser = EndUser.extend({ api_key: IssuedKey }).meta({ id: 'CreatedEndUser' });

// Wallet (spec §3)

export const WalletTransaction = z
  .object({
    id: z.string(),
    type: z.enum(['top_up', 'llm_usage', 'adjustment', 'refund']),
    amount: usd,
    balance_after: usd,
    description: z.string().nullable(),
    request_id: z.string().nullable(),
    end_user_id: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'WalletTransaction' });

/** USD amounts: available = balance − reserved (what requests in flight hold). */
export const Wallet = z
  .object({
    id: z.string(),
    platform_id: z.string(),
    balance: usd,
    reserved: usd,
    available: usd,
    currency: z.literal('usd'),
    low_balance_threshold: usd.nullable(),
    is_active: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Wallet' });

export const WalletWithRecent = Wallet.extend({ recent_transactions: z.array(WalletTransaction) }).meta({ id: 'WalletWithRecent' });

export const WalletTopUp = z.object({ transaction: WalletTransaction, wallet: Wallet }).meta({ id: 'WalletTopUp' });

/** An operator adjustment: the transaction, with the wallet after it. */
export const WalletAdjustment = WalletTransaction.extend({ wallet: Wallet }).meta({ id: 'WalletAdjustment' });

/** Self-service `GET /v1/me`. */
export const Me = z
  .object({ end_user_id: z.string(), platform_id: z.string(), external_id: z.string(), display_name: z.string().nullable() })
  .meta({ id: 'Me' });
