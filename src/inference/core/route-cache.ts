/**
 * Per-platform routing table in memory: model slug → candidate routes by priority, each with its provider,
 * adapter and the platform's decrypted provider key (decrypted once per load, never logged). Entries live
 * `ttlMs` (other instances' changes) and are dropped at once on local catalogue or config changes.
 */
import { billingSettingsFrom } from '../../billing/markup-cache.js';
import type { PriceTier } from '../../billing/money.js';
import { parseTiers } from '../../billing/price-tiers.js';
import type { AppContext } from '../../context.js';
import { llmConfigAad } from '../../crypto/secret-box.js';
import { adapterFor } from '../providers/index.js';
import type { ProviderAdapter, ProviderKind } from '../providers/types.js';

export type Candidate = {
  routeId: string;
  slug: string;
  providerModelId: string;
  inputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
  cachedInputMicrosPerMtok: number | null;
  cacheWriteMicrosPerMtok: number | null;
  cacheWrite1hMicrosPerMtok: number | null;
  tiers: PriceTier[];
  maxOutputTokens: number;
  priority: number;
  providerId: string;
  providerSlug: string;
  providerKind: ProviderKind;
  /** The provider serves OpenAI's Responses API: Responses requests are forwarded to it natively. */
  supportsResponses: boolean;
  baseUrl: string;
  configId: string;
  apiKey: string;
  adapter: ProviderAdapter;
  createdAtS: number;
};

export type PlatformRouting = {
  markupPercentage: number;
  /**
   * settings.low_balance_thresholds: percentages strictly between 0 and 100 ([] when unset). They travel with
   * each reservation to its settlement, which then reads no settings row (PostgreSQL).
   */
  lowBalancePcts: readonly number[];
  byModel: Map<string, Candidate[]>;
  loadedAtMs: number;
};

/** Bounded so a large operator with many idle tenants keeps memory flat. */
const MAX_PLATFORMS = 10_000;

export class RouteCache {
  private readonly entries = new Map<string, PlatformRouting>();
  private readonly loading = new Map<string, Promise<PlatformRouting>>();
  private generation = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly ttlMs: number,
  ) {
    const invalidate = () => this.invalidateAll();
    ctx.events.on('catalogue.changed', invalidate);
    ctx.events.on('llm-configs.changed', invalidate);
    ctx.events.on('platform.changed', invalidate);
  }

  invalidateAll(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  /** The platform's routing table (from memory when fresh; concurrent misses share one load). */
  async forPlatform(platformId: string): Promise<PlatformRouting> {
    const cached = this.entries.get(platformId);
    if (cached && this.ctx.clock.now() - cached.loadedAtMs <= this.ttlMs) return cached;
    const pending = this.loading.get(platformId);
    if (pending) return pending;
    const generation = this.generation;
    const load = this.load(platformId).finally(() => this.loading.delete(platformId));
    this.loading.set(platformId, load);
    const routing = await load;
    if (generation === this.generation) {
      if (this.entries.size >= MAX_PLATFORMS) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(platformId, routing);
    }
    return routing;
  }

  private async load(platformId: string): Promise<PlatformRouting> {
    const db = this.ctx.store.db;
    const loadedAtMs = this.ctx.clock.now();
    const [platform, routes, configs] = await Promise.all([
      db.selectFrom('platforms').select('settings').where('id', '=', platformId).executeTakeFirst(),
      db
        .selectFrom('model_routes as m')
        .innerJoin('providers as p', 'p.id', 'm.provider_id')
        .select([
          'm.id',
          'm.slug',
          'm.provider_model_id',
          'm.input_micros_per_mtok',
          'm.output_micros_per_mtok',
          'm.cached_input_micros_per_mtok',
          'm.cache_write_micros_per_mtok',
          'm.cache_write_1h_micros_per_mtok',
          'm.tiers',
          'm.max_output_tokens',
          'm.priority',
          'm.created_at',
          'p.id as provider_id',
          'p.slug as provider_slug',
          'p.kind',
          'p.base_url',
          'p.supports_responses',
        ])
        .where('m.is_enabled', '=', 1)
        .where('p.is_active', '=', 1)
        .orderBy('m.priority')
        .orderBy('m.id')
        .execute(),
      db
        .selectFrom('llm_configs')
        .select(['id', 'provider_id', 'encrypted_key', 'is_default', 'priority'])
        .where('platform_id', '=', platformId)
        .where('is_active', '=', 1)
        .orderBy('is_default', 'desc')
        .orderBy('priority')
        .orderBy('id')
        .execute(),
    ]);
    // The provider's default active config, else its first active one by priority.
    const keyByProvider = new Map<string, { configId: string; apiKey: string }>();
    for (const c of configs) {
      if (keyByProvider.has(c.provider_id)) continue;
      try {
        keyByProvider.set(c.provider_id, {
          configId: c.id,
          apiKey: this.ctx.secretBox.decrypt(c.encrypted_key, llmConfigAad(platformId, c.id)),
        });
      } catch {
        // A key sealed with another master key or for another row cannot be used; the next config may.
      }
    }
    const byModel = new Map<string, Candidate[]>();
    for (const r of routes) {
      const key = keyByProvider.get(r.provider_id);
      if (!key) continue;
      const list = byModel.get(r.slug) ?? [];
      list.push({
        routeId: r.id,
        slug: r.slug,
        providerModelId: r.provider_model_id,
        inputMicrosPerMtok: r.input_micros_per_mtok,
        outputMicrosPerMtok: r.output_micros_per_mtok,
        cachedInputMicrosPerMtok: r.cached_input_micros_per_mtok,
        cacheWriteMicrosPerMtok: r.cache_write_micros_per_mtok,
        cacheWrite1hMicrosPerMtok: r.cache_write_1h_micros_per_mtok,
        tiers: parseTiers(r.tiers),
        maxOutputTokens: r.max_output_tokens,
        priority: r.priority,
        providerId: r.provider_id,
        providerSlug: r.provider_slug,
        providerKind: r.kind,
        supportsResponses: r.supports_responses === 1,
        baseUrl: r.base_url,
        configId: key.configId,
        apiKey: key.apiKey,
        adapter: adapterFor(r.kind),
        createdAtS: Math.floor(Date.parse(r.created_at) / 1000),
      });
      byModel.set(r.slug, list);
    }
    const settings = billingSettingsFrom(platform?.settings);
    return { markupPercentage: settings.markup, lowBalancePcts: settings.lowBalancePcts, byModel, loadedAtMs };
  }
}
