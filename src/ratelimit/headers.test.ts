import { describe, expect, it } from 'vitest';
import { formatResetDuration, rateLimitHeaders } from './headers.js';

const empty = { minuteRequests: 0, minuteTokens: 0, dayRequests: 0, minuteOldestAtMs: null, dayOldestAtMs: null };

describe('formatResetDuration (OpenAI / Go duration text)', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [120, '120ms'],
    [999.2, '1s'],
    [1000, '1s'],
    [6000, '6s'],
    [2280, '2.28s'],
    [2500, '2.5s'],
    [60_000, '1m0s'],
    [90_500, '1m30.5s'],
    [3_600_000, '1h0m0s'],
    [86_399_000, '23h59m59s'],
  ])('%d ms → %s', (ms, text) => expect(formatResetDuration(ms)).toBe(text));
});

describe('rateLimitHeaders', () => {
  it('sends nothing when no limit applies', () => {
    expect(rateLimitHeaders({ rpm_limit: null, tpm_limit: null, rpd_limit: null }, empty, 0)).toEqual({});
  });

  it('reports rpm and tpm with the time until the oldest counted call leaves the window', () => {
    const state = { ...empty, minuteRequests: 3, minuteTokens: 1200, minuteOldestAtMs: 10_000 };
    expect(rateLimitHeaders({ rpm_limit: 10, tpm_limit: 5000, rpd_limit: null }, state, 64_000)).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '7',
      'x-ratelimit-reset-requests': '6s',
      'x-ratelimit-limit-tokens': '5000',
      'x-ratelimit-remaining-tokens': '3800',
      'x-ratelimit-reset-tokens': '6s',
    });
  });

  it('reports rpd for requests when it has fewer calls remaining than rpm', () => {
    const state = { ...empty, minuteRequests: 1, dayRequests: 99, minuteOldestAtMs: 0, dayOldestAtMs: 0 };
    const h = rateLimitHeaders({ rpm_limit: 10, tpm_limit: null, rpd_limit: 100 }, state, 1000);
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '100',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '23h59m59s',
    });
  });

  it('prefers rpm on a tie and never reports a negative remainder (a lowered limit)', () => {
    const state = { ...empty, minuteRequests: 12, dayRequests: 12, minuteOldestAtMs: 0, dayOldestAtMs: 0 };
    const h = rateLimitHeaders({ rpm_limit: 10, tpm_limit: null, rpd_limit: 10 }, state, 59_880);
    expect(h['x-ratelimit-limit-requests']).toBe('10');
    expect(h['x-ratelimit-remaining-requests']).toBe('0');
    expect(h['x-ratelimit-reset-requests']).toBe('120ms');
  });
});
