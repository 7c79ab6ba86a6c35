/** The shipped catalogue (price-table.json): complete, dated, and valid under the operator API's price rules. */
import { describe, expect, it } from 'vitest';
import { routePricesSchema } from './route-prices.js';
import { loadPriceTable } from './seed.js';

const table = loadPriceTable();
/** The fewest current models each seeded provider must have. */
const MIN_MODELS_PER_PROVIDER = 10;

describe('the price catalogue', () => {
  it('names its source and the date of its data', () => {
    expect(table.source).toContain('@pydantic/genai-prices 0.1.8');
    expect(table.source_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(table.source_date))).toBe(false);
  });

  it(`lists at least ${MIN_MODELS_PER_PROVIDER} models of each of the four seeded providers`, () => {
    expect(table.providers.map((p) => p.slug).sort()).toEqual(['anthropic', 'google', 'openai', 'xai']);
    for (const p of table.providers) {
      expect(table.models.filter((m) => m.provider === p.slug).length, p.slug).toBeGreaterThanOrEqual(MIN_MODELS_PER_PROVIDER);
    }
  });

  it('gives every model input and output prices the operator API accepts, token limits and a unique slug', () => {
    const seen = new Set<string>();
    for (const m of table.models) {
      const prices = {
        input_usd_per_mtok: m.input,
        output_usd_per_mtok: m.output,
        cached_input_usd_per_mtok: m.cached_input,
        cache_write_usd_per_mtok: m.cache_write,
        cache_write_1h_usd_per_mtok: m.cache_write_1h,
        tiers: m.tiers?.map((t) => ({
          above_input_tokens: t.above_input_tokens,
          input_usd_per_mtok: t.input,
          output_usd_per_mtok: t.output,
          cached_input_usd_per_mtok: t.cached_input,
          cache_write_usd_per_mtok: t.cache_write,
          cache_write_1h_usd_per_mtok: t.cache_write_1h,
        })),
      };
      const parsed = routePricesSchema.safeParse(prices);
      expect(parsed.success ? '' : parsed.error.message, m.slug).toBe('');
      expect(m.input, m.slug).toBeGreaterThan(0);
      expect(m.output, m.slug).toBeGreaterThan(0);
      expect(m.max_output_tokens, m.slug).toBeGreaterThan(0);
      expect(m.context_window, m.slug).toBeGreaterThan(m.max_output_tokens);
      expect(
        table.providers.some((p) => p.slug === m.provider),
        m.slug,
      ).toBe(true);
      expect(seen.has(`${m.provider}/${m.slug}`), m.slug).toBe(false);
      seen.add(`${m.provider}/${m.slug}`);
      expect(m.since ?? 1, m.slug).toBeLessThanOrEqual(table.version);
    }
  });

  it('states the long-context tiers and Anthropic cache-write prices', () => {
    const find = (slug: string) => table.models.find((m) => m.slug === slug)!;
    expect(find('gemini-2.5-pro').tiers).toEqual([{ above_input_tokens: 200_000, input: 2.5, output: 15, cached_input: 0.25 }]);
    expect(find('claude-sonnet-4-5').tiers?.[0]).toMatchObject({ above_input_tokens: 200_000, input: 6, output: 22.5, cache_write: 7.5 });
    for (const m of table.models.filter((x) => x.provider === 'anthropic')) {
      expect(m.cache_write, m.slug).toBe(m.input * 1.25);
      expect(m.cache_write_1h, m.slug).toBe(m.input * 2);
    }
  });
});
