/** Reading both price list formats into one shape: fields, tiers, providers, dated prices. */
import { describe, expect, it } from 'vitest';
import { PriceListError, readPriceList } from './price-list.js';

const TODAY = '2026-12-07';

describe('readPriceList: LiteLLM', () => {
  const list = readPriceList(
    {
      sample_spec: { litellm_provider: 'x' },
      'gemini/gemini-2.5-pro': {
        litellm_provider: 'gemini',
        mode: 'chat',
        max_output_tokens: 65535,
        max_input_tokens: 1048576,
        input_cost_per_token: 1.25e-6,
        output_cost_per_token: 1e-5,
        cache_read_input_token_cost: 3.1e-7,
        input_cost_per_token_above_200k_tokens: 2.5e-6,
        output_cost_per_token_above_200k_tokens: 1.5e-5,
        cache_read_input_token_cost_above_200k_tokens: 6.25e-7,
        input_cost_per_token_above_128k_tokens: 2e-6,
        output_cost_per_token_above_128k_tokens: 1.2e-5,
      },
      'claude-opus-4-1': {
        litellm_provider: 'anthropic',
        mode: 'chat',
        input_cost_per_token: 1.5e-5,
        output_cost_per_token: 7.5e-5,
        cache_creation_input_token_cost: 1.875e-5,
        cache_creation_input_token_cost_above_1hr: 3e-5,
        deprecation_date: '2026-01-01',
      },
      'whisper-1': { litellm_provider: 'openai', mode: 'audio_transcription', input_cost_per_second: 0.0001 },
    },
    TODAY,
  );

  it('strips the provider prefix, converts per-token prices exactly and groups tier fields by threshold', () => {
    expect(list.format).toBe('LiteLLM');
    const pro = list.entries.find((e) => e.model === 'gemini-2.5-pro')!;
    expect(pro).toMatchObject({
      provider: 'gemini',
      ref: 'gemini/gemini-2.5-pro',
      maxOutputTokens: 65535,
      contextWindow: 1048576,
      addable: true,
    });
    expect(pro.prices).toEqual({
      input_usd_per_mtok: 1.25,
      output_usd_per_mtok: 10,
      cached_input_usd_per_mtok: 0.31,
      tiers: [
        { above_input_tokens: 128_000, input_usd_per_mtok: 2, output_usd_per_mtok: 12 },
        { above_input_tokens: 200_000, input_usd_per_mtok: 2.5, output_usd_per_mtok: 15, cached_input_usd_per_mtok: 0.625 },
      ],
    });
    expect(pro.fieldName(['tiers', 1, 'cached_input_usd_per_mtok'])).toBe('cache_read_input_token_cost_above_200k_tokens');
    expect(pro.fieldName(['output_usd_per_mtok'])).toBe('output_cost_per_token');
    expect(pro.matches('gemini-2.5-pro')).toBe(true);
    expect(pro.matches('gemini-2.5-pro-preview')).toBe(false);
  });

  it('reads 5-minute and 1-hour cache writes; a model past its deprecation date is not added', () => {
    const opus = list.entries.find((e) => e.model === 'claude-opus-4-1')!;
    expect(opus.prices).toMatchObject({ cache_write_usd_per_mtok: 18.75, cache_write_1h_usd_per_mtok: 30 });
    expect(opus.addable).toBe(false);
  });

  it('drops rows with no per-token input and output prices that are not chat models', () => {
    expect(list.entries.map((e) => e.model).sort()).toEqual(['claude-opus-4-1', 'gemini-2.5-pro']);
  });
});

describe('readPriceList: genai-prices', () => {
  const list = readPriceList(
    [
      {
        id: 'google',
        model_match: { contains: 'gemini' },
        models: [
          {
            id: 'gemini-x',
            match: { or: [{ starts_with: 'gemini-x-' }, { equals: 'gemini-x' }] },
            prices: [
              { prices: { input_mtok: 1, output_mtok: 2 } },
              { constraint: { type: 'start_date', start_date: '2026-06-01' }, prices: { input_mtok: 0.5, output_mtok: 1 } },
              {
                constraint: { type: 'start_date', start_date: '2026-03-01' },
                prices: {
                  input_mtok: { base: 0.8, tiers: [{ start: 100000, price: 1.6 }] },
                  cache_read_mtok: { base: 0.08, tiers: [{ start: 200000, price: 0.16 }] },
                  output_mtok: 1.5,
                },
              },
              { constraint: { type: 'start_date', start_date: '2027-01-01' }, prices: { input_mtok: 9, output_mtok: 9 } },
            ],
          },
          {
            id: 'gemini-y',
            prices: {
              input_mtok: { base: 2, tiers: [{ start: 100000, price: 3 }] },
              cache_read_mtok: { base: 0.2, tiers: [{ start: 200000, price: 0.4 }] },
              output_mtok: 8,
            },
          },
          { id: 'claude-z', prices: { input_mtok: 1, output_mtok: 5 } },
          { id: 'gemini-old', deprecated: true, prices: { input_mtok: 1, output_mtok: 5 } },
          { id: 'gemini-img', prices: { input_mtok: 1, output_mtok: 5, output_image_mtok: 30 } },
        ],
      },
    ],
    TODAY,
  );
  const entry = (id: string) => list.entries.find((e) => e.model === id)!;

  it('uses the newest dated price already in force', () => {
    expect(entry('gemini-x').prices).toEqual({ input_usd_per_mtok: 0.5, output_usd_per_mtok: 1 });
  });

  it('evaluates match rules on upstream model ids', () => {
    expect(entry('gemini-x').matches('gemini-x-20261001')).toBe(true);
    expect(entry('gemini-x').matches('gemini-xl')).toBe(false);
  });

  it('merges per-bucket tiers into levels: each bucket at its own price in force above each threshold', () => {
    expect(entry('gemini-y').prices).toEqual({
      input_usd_per_mtok: 2,
      output_usd_per_mtok: 8,
      cached_input_usd_per_mtok: 0.2,
      tiers: [
        { above_input_tokens: 100_000, input_usd_per_mtok: 3, cached_input_usd_per_mtok: 0.2, output_usd_per_mtok: 8 },
        { above_input_tokens: 200_000, input_usd_per_mtok: 3, cached_input_usd_per_mtok: 0.4, output_usd_per_mtok: 8 },
      ],
    });
    expect(entry('gemini-y').fieldName(['tiers', 1, 'cached_input_usd_per_mtok'])).toBe('cache_read_mtok (tier from 200000)');
  });

  it("adds only current chat models matching the provider's model rule", () => {
    expect(list.entries.filter((e) => e.addable).map((e) => e.model)).toEqual(['gemini-x', 'gemini-y']);
  });
});

describe('readPriceList: neither format', () => {
  it.each([42, 'text', null, true])('%j is refused with what was expected', (doc) => {
    expect(() => readPriceList(doc, TODAY)).toThrow(PriceListError);
    expect(() => readPriceList(doc, TODAY)).toThrow(/LiteLLM model_prices_and_context_window\.json.*genai-prices data\.json/);
  });
});
