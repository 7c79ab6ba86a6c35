import { describe, expect, it } from 'vitest';
import type { ModelRoute } from '../api';
import { editorParams, toPricesBody, toPricesDraft } from './route-prices';

const route: ModelRoute = {
  id: 'r1',
  slug: 'claude-sonnet-4',
  provider_id: 'p1',
  provider_model_id: 'claude-sonnet-4-20250514',
  input_usd_per_mtok: 3,
  output_usd_per_mtok: 15,
  cached_input_usd_per_mtok: 0.3,
  cache_write_usd_per_mtok: 3.75,
  cache_write_1h_usd_per_mtok: null,
  tiers: [
    {
      above_input_tokens: 200000,
      input_usd_per_mtok: 6,
      output_usd_per_mtok: 22.5,
      cached_input_usd_per_mtok: 0.000001,
      cache_write_usd_per_mtok: null,
      cache_write_1h_usd_per_mtok: 12,
    },
  ],
  max_output_tokens: 64000,
  context_window: null,
  priority: 100,
  is_enabled: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('route price editor model', () => {
  it('shows the API values as decimal text and sends back what the API sent', () => {
    const draft = toPricesDraft(route);
    expect(draft).toMatchObject({
      input_usd_per_mtok: '3',
      cached_input_usd_per_mtok: '0.3',
      cache_write_usd_per_mtok: '3.75',
      cache_write_1h_usd_per_mtok: '',
      max_output_tokens: '64000',
    });
    expect(draft.tiers[0]).toMatchObject({
      above_input_tokens: '200000',
      output_usd_per_mtok: '22.5',
      cached_input_usd_per_mtok: '0.000001',
    });
    expect(toPricesBody(draft)).toEqual({
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cached_input_usd_per_mtok: 0.3,
      cache_write_usd_per_mtok: 3.75,
      cache_write_1h_usd_per_mtok: null,
      tiers: [
        {
          above_input_tokens: 200000,
          input_usd_per_mtok: 6,
          output_usd_per_mtok: 22.5,
          cached_input_usd_per_mtok: 0.000001,
          cache_write_usd_per_mtok: null,
          cache_write_1h_usd_per_mtok: 12,
        },
      ],
      max_output_tokens: 64000,
    });
  });

  it('sends the JSON number of the typed decimal (what the API would parse from it), and bad text as text', () => {
    const draft = { ...toPricesDraft(route), input_usd_per_mtok: ' 0.1 ', output_usd_per_mtok: '', cache_write_usd_per_mtok: '1,5' };
    const body = toPricesBody(draft);
    expect(JSON.stringify(body.input_usd_per_mtok)).toBe('0.1');
    // An empty required price goes as "" so the API names the field; an empty optional one is null.
    expect(body.output_usd_per_mtok).toBe('');
    expect(body.cache_write_usd_per_mtok).toBe('1,5');
  });

  it('knows every param it can show beside a field', () => {
    const params = editorParams(toPricesDraft(route));
    expect(params).toContain('tiers[0].above_input_tokens');
    expect(params).toContain('tiers[0].cache_write_1h_usd_per_mtok');
    expect(params).toContain('max_output_tokens');
    expect(params).not.toContain('tiers[1].above_input_tokens');
  });
});
