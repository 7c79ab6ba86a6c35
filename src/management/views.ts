/** Row → API object mappings for the management resources (snake_case on the wire, USD numbers). */
import type { z } from 'zod';
import type { WalletBalance } from '../billing/balances.js';
import { microsToUsd } from '../billing/money.js';
import { tiersView } from '../billing/price-tiers.js';
import type {
  ApiKeysTable,
  EndUsersTable,
  LlmConfigsTable,
  ModelRoutesTable,
  PlatformsTable,
  ProvidersTable,
  WalletTransactionsTable,
} from '../store/schema.js';
import type {
  ApiKey,
  EndUser,
  LlmConfig,
  ModelRoute,
  Platform,
  Provider,
  ProviderSummary,
  Wallet,
  WalletTransaction,
} from './responses.js';

const bool = (v: unknown) => Number(v) === 1;
const usdOrNull = (v: number | null) => (v === null ? null : microsToUsd(v));

export function parseJsonObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

export const providerView = (p: ProvidersTable): z.input<typeof Provider> => ({
  id: p.id,
  slug: p.slug,
  name: p.name,
  kind: p.kind,
  base_url: p.base_url,
  is_active: bool(p.is_active),
  supports_responses: bool(p.supports_responses),
  created_at: p.created_at,
  updated_at: p.updated_at,
});

export const providerPublicView = (p: ProvidersTable): z.input<typeof ProviderSummary> => ({
  id: p.id,
  slug: p.slug,
  name: p.name,
  kind: p.kind,
  is_active: bool(p.is_active),
});

export const modelRouteView = (m: ModelRoutesTable): z.input<typeof ModelRoute> => ({
  id: m.id,
  slug: m.slug,
  provider_id: m.provider_id,
  provider_model_id: m.provider_model_id,
  input_usd_per_mtok: microsToUsd(m.input_micros_per_mtok),
  output_usd_per_mtok: microsToUsd(m.output_micros_per_mtok),
  cached_input_usd_per_mtok: usdOrNull(m.cached_input_micros_per_mtok),
  cache_write_usd_per_mtok: usdOrNull(m.cache_write_micros_per_mtok),
  cache_write_1h_usd_per_mtok: usdOrNull(m.cache_write_1h_micros_per_mtok),
  tiers: tiersView(m.tiers),
  max_output_tokens: m.max_output_tokens,
  context_window: m.context_window,
  priority: m.priority,
  is_enabled: bool(m.is_enabled),
  created_at: m.created_at,
  updated_at: m.updated_at,
});

export const platformView = (p: PlatformsTable): z.input<typeof Platform> => ({
  id: p.id,
  name: p.name,
  slug: p.slug,
  settings: parseJsonObject(p.settings),
  is_active: bool(p.is_active),
  created_at: p.created_at,
  updated_at: p.updated_at,
});

export const apiKeyView = (k: ApiKeysTable): z.input<typeof ApiKey> => ({
  id: k.id,
  platform_id: k.platform_id,
  end_user_id: k.end_user_id,
  type: k.kind,
  key_prefix: k.key_prefix,
  name: k.name,
  scopes: JSON.parse(k.scopes) as string[],
  is_active: bool(k.is_active),
  last_used_at: k.last_used_at,
  expires_at: k.expires_at,
  created_at: k.created_at,
});

export const llmConfigView = (c: LlmConfigsTable): z.input<typeof LlmConfig> => ({
  id: c.id,
  platform_id: c.platform_id,
  provider_id: c.provider_id,
  name: c.name,
  is_default: bool(c.is_default),
  is_active: bool(c.is_active),
  priority: c.priority,
  key_hint: c.key_hint,
  created_at: c.created_at,
  updated_at: c.updated_at,
});

export const endUserView = (u: EndUsersTable): z.input<typeof EndUser> => ({
  id: u.id,
  platform_id: u.platform_id,
  external_id: u.external_id,
  display_name: u.display_name,
  metadata: parseJsonObject(u.metadata),
  is_active: bool(u.is_active),
  created_at: u.created_at,
  updated_at: u.updated_at,
});

/** The wallet as billing reads it (billing.balances): reserved is everything requests in flight hold. */
export const walletView = (w: WalletBalance): z.input<typeof Wallet> => ({
  id: w.id,
  platform_id: w.platform_id,
  balance: microsToUsd(w.balance_micros),
  reserved: microsToUsd(w.heldMicros),
  available: microsToUsd(w.availableMicros),
  currency: 'usd' as const,
  low_balance_threshold: usdOrNull(w.low_balance_threshold_micros),
  is_active: bool(w.is_active),
  created_at: w.created_at,
  updated_at: w.updated_at,
});

export const walletTransactionView = (t: WalletTransactionsTable): z.input<typeof WalletTransaction> => ({
  id: t.id,
  type: t.type,
  amount: microsToUsd(t.amount_micros),
  balance_after: microsToUsd(t.balance_after_micros),
  description: t.description,
  request_id: t.request_id,
  end_user_id: t.end_user_id,
  created_at: t.created_at,
});
