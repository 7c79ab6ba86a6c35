/**
 * Rate limits end to end over HTTP against mock providers: exact admissions under 50 parallel chat calls,
 * OpenAI's 429 with retry-after and headers, `rejected` log rows, isolation, tpm and the 402 release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type JsonResponse } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects, redisUrl } from '../../helpers/suites.js';

/** Each database with in-memory counters, and SQLite with the shared Redis store when one is configured. */
const cases = [
  ...dialects.map((dialect) => ({ dialect, store: 'memory', env: {} as Record<string, string> })),
  ...(redisUrl ? [{ dialect: 'sqlite' as const, store: 'redis', env: { REDIS_URL: redisUrl } }] : []),
];

describe.each(cases)('rate limits on chat completions ($dialect, $store counters)', ({ dialect, env }) => {
  let f: InferenceFixture;
  const platform = () => client(f.gw.url, f.platformKey);
  const chat = (key: string, extra: Record<string, unknown> = {}) =>
    client(f.gw.url, key).post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 50,
      ...extra,
    });
  const setLimits = async (endUserId: string, body: Record<string, number | null>) => {
    const res = await platform().put(`/v1/platforms/${f.platformId}/end-users/${endUserId}/rate-limits`, body);
    expect(res.status).toBe(200);
  };
  const rejectedLogs = async (endUserId: string) => {
    const res = await platform().get(`/v1/platforms/${f.platformId}/logs?limit=100&end_user_id=${endUserId}&status=rejected`);
    return res.body.data as Array<{ error_code: string; billing_status: string; status: string }>;
  };

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, env });
  });
  afterAll(() => f?.close());

  it('50 parallel calls with rpm 10: exactly 10 answered, 40 refused with 429, retry-after and headers, logged as rejected', async () => {
    const user = await f.newEndUser('burst-user');
    await setLimits(user.id, { rpm_limit: 10 });
    const results = await Promise.all(Array.from({ length: 50 }, () => chat(user.key)));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of ok) {
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('10');
      expect(Number(r.headers.get('x-ratelimit-remaining-requests'))).toBeLessThan(10);
      expect(r.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+(\.\d+)?s|\d+ms|1m0s)$/);
      expect(r.headers.get('x-ratelimit-limit-tokens')).toBeNull(); // no tpm limit: no token headers
    }
    expect(ok.map((r) => r.headers.get('x-ratelimit-remaining-requests')).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    for (const r of refused) {
      expect(r.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(r.body.error.message).toMatch(/requests per minute \(rpm\): limit 10/);
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('10');
      expect(r.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(r.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+(\.\d+)?s|\d+ms|1m0s)$/);
    }
    const rejected = await rejectedLogs(user.id);
    expect(rejected).toHaveLength(40);
    for (const row of rejected)
      expect(row).toMatchObject({ status: 'rejected', error_code: 'rate_limit_exceeded', billing_status: 'not_billed' });
  });

  it("one user's exhausted limit does not affect another user", async () => {
    const a = await f.newEndUser('iso-a');
    const b = await f.newEndUser('iso-b');
    await setLimits(a.id, { rpm_limit: 1 });
    await setLimits(b.id, { rpm_limit: 1 });
    expect((await chat(a.key)).status).toBe(200);
    expect((await chat(a.key)).status).toBe(429);
    expect((await chat(b.key)).status).toBe(200);
  });

  it('tpm: a call whose estimate alone exceeds the limit is refused before any provider call', async () => {
    const user = await f.newEndUser('tpm-user');
    await setLimits(user.id, { tpm_limit: 1000 });
    const before = f.mocks.openai.requests.length;
    const res = await chat(user.key, { max_tokens: 5000 });
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/Request too large for tokens per minute \(tpm\): limit 1000/);
    expect(res.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(f.mocks.openai.requests.length).toBe(before);
    const small: JsonResponse = await chat(user.key, { max_tokens: 100 });
    expect(small.status).toBe(200);
    expect(small.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    // Charged with its estimate: the prompt (at least one token) plus all 100 allowed output tokens.
    const remainingTokens = Number(small.headers.get('x-ratelimit-remaining-tokens'));
    expect(remainingTokens).toBeLessThan(900);
    expect(remainingTokens).toBeGreaterThan(800);
    expect(small.headers.get('x-ratelimit-limit-requests')).toBeNull(); // no request limit: no request headers
  });

  it('a call refused for money (402) does not count against the rate limit', async () => {
    const user = await f.newEndUser('broke-user');
    await setLimits(user.id, { rpm_limit: 1 });
    const budget = await platform().post(`/v1/platforms/${f.platformId}/end-users/${user.id}/budget`, { max_usd: 0.000001 });
    expect(budget.status).toBe(201);
    expect((await chat(user.key)).status).toBe(402);
    expect((await chat(user.key)).status).toBe(402); // not 429: the first call was released
    await platform().delete(`/v1/platforms/${f.platformId}/end-users/${user.id}/budget`);
    expect((await chat(user.key)).status).toBe(200);
  });

  it('the platform default applies, a limit change takes effect on the next call, and platform keys are never limited', async () => {
    const user = await f.newEndUser('default-user');
    await platform().put(`/v1/platforms/${f.platformId}/rate-limits`, { rpm_limit: 1 });
    expect((await chat(user.key)).status).toBe(200);
    expect((await chat(user.key)).status).toBe(429);
    await setLimits(user.id, { rpm_limit: 2 });
    expect((await chat(user.key)).status).toBe(200);
    await platform().delete(`/v1/platforms/${f.platformId}/end-users/${user.id}/rate-limits`);
    expect((await chat(user.key)).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await chat(f.platformKey)).status).toBe(200);
    await platform().put(`/v1/platforms/${f.platformId}/rate-limits`, {});
    expect((await chat(user.key)).status).toBe(200);
  });
});
