/**
 * Exact pricing through HTTP (spec §2 "Prices"): for each provider kind, calls with cache reads, 5-minute and
 * 1-hour cache writes (Anthropic), reasoning tokens (OpenAI, Gemini) and prompts below and above a
 * long-context tier, streamed and not, are billed to the µUSD of the formula (computed here apart from the
 * gateway), the log row carries the buckets and the cost, `/usage` sums them, and the ledger verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../../helpers/errors.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { expectMoneySettled } from '../../helpers/money-invariants.js';
import { dialects } from '../../helpers/suites.js';

type Level = { input: number; output: number; cached?: number; write5m?: number; write1h?: number };
type Prices = Level & { tiers?: Array<Level & { above: number }> };

/** USD per Mtok → µUSD per Mtok as an exact BigInt (prices here have at most 6 decimals). */
const micros = (usd: number) => BigInt(Math.round(usd * 1e6));

/** The spec's formula: tier by whole prompt, each bucket at its price (absent → the level's input), one half-up rounding. */
function expectedMicros(p: Prices, t: { prompt: number; cached: number; write5m: number; write1h: number; output: number }): number {
  const level = [...(p.tiers ?? [])].reverse().find((tier) => t.prompt > tier.above) ?? p;
  const input = micros(level.input);
  const price = (v: number | undefined) => (v === undefined ? input : micros(v));
  const uncached = t.prompt - t.cached - t.write5m - t.write1h;
  const total =
    BigInt(uncached) * input +
    BigInt(t.cached) * price(level.cached) +
    BigInt(t.write5m) * price(level.write5m) +
    BigInt(t.write1h) * price(level.write1h) +
    BigInt(t.output) * micros(level.output);
  return Number((total * 2n + 1_000_000n) / 2_000_000n);
}

/** The admin API's shape for the same prices. */
function routeBody(p: Prices): Record<string, unknown> {
  const level = (l: Level) => ({
    input_usd_per_mtok: l.input,
    output_usd_per_mtok: l.output,
    ...(l.cached !== undefined && { cached_input_usd_per_mtok: l.cached }),
    ...(l.write5m !== undefined && { cache_write_usd_per_mtok: l.write5m }),
    ...(l.write1h !== undefined && { cache_write_1h_usd_per_mtok: l.write1h }),
  });
  return { ...level(p), tiers: (p.tiers ?? []).map((t) => ({ above_input_tokens: t.above, ...level(t) })) };
}

// List prices of the seeded models (odd cents so that rounding is exercised).
const claude: Prices = {
  input: 3,
  output: 15,
  cached: 0.3,
  write5m: 3.75,
  write1h: 6,
  tiers: [{ above: 200_000, input: 6, output: 22.5, cached: 0.6, write5m: 7.5, write1h: 12 }],
};
const o4mini: Prices = { input: 1.1, output: 4.4, cached: 0.275, tiers: [{ above: 200_000, input: 2.2, output: 8.8, cached: 0.55 }] };
const gemini: Prices = { input: 1.25, output: 10, cached: 0.31, tiers: [{ above: 200_000, input: 2.5, output: 15, cached: 0.625 }] };

/** "Echo: Hello there" is 5 answer tokens in every mock; `reasoning` adds 3 × that (test/mocks/behaviour.ts). */
const ANSWER = 5;

type Case = {
  kind: 'openai' | 'anthropic' | 'google';
  prices: Prices;
  flags: string;
  reasoning: boolean;
  writes: boolean;
};
const cases: Case[] = [
  { kind: 'anthropic', prices: claude, flags: 'cached-cache-write-cache-write-1h', reasoning: false, writes: true },
  { kind: 'openai', prices: o4mini, flags: 'cached-reasoning', reasoning: true, writes: false },
  { kind: 'google', prices: gemini, flags: 'cached-reasoning', reasoning: true, writes: false },
];

describe.each(dialects)('pricing buckets and tiers over HTTP (%s)', (dialect) => {
  let f: InferenceFixture;
  let platform: ReturnType<typeof client>;
  let base: string;
  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, walletUsd: 500 });
    platform = client(f.gw.url, f.platformKey);
    base = `/v1/platforms/${f.platformId}`;
  });
  afterAll(() => f?.close());

  async function logOf(requestId: string) {
    for (let i = 0; i < 100; i++) {
      await f.gw.ctx.requestLogs.flush();
      const rows = (await platform.get(`${base}/logs?limit=100`)).body.data as Array<Record<string, unknown>>;
      const row = rows.find((r) => r.request_id === requestId);
      if (row) return row;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no log row for ${requestId}`);
  }

  for (const c of cases) {
    for (const prompt of [1_000, 250_000]) {
      for (const stream of [false, true]) {
        it(`${c.kind}: ${prompt} prompt tokens (${prompt > 200_000 ? 'above' : 'below'} the tier), ${c.flags}, stream ${stream}`, async () => {
          const slug = `p-${c.kind}-${prompt}-${stream ? 's' : 'j'}`;
          await f.addRoute(slug, c.kind, `m-prompt-${prompt}-${c.flags}`, routeBody(c.prices));
          const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: slug, messages: [{ role: 'user', content: 'Hello there' }], stream }),
          });
          const text = await res.text();
          expect(res.status).toBe(200);
          if (stream) expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
          else expect(JSON.parse(text).choices[0].message.content).toBe('Echo: Hello there');
          const requestId = res.headers.get('x-request-id')!;

          const buckets = {
            prompt,
            cached: Math.floor(prompt / 2),
            write5m: c.writes ? Math.floor(prompt / 4) : 0,
            write1h: c.writes ? Math.floor(prompt / 8) : 0,
            output: c.reasoning ? 4 * ANSWER : ANSWER,
          };
          const cost = expectedMicros(c.prices, buckets);
          if (!stream) expect(res.headers.get('x-assistiv-cost-usd')).toBe((cost / 1e6).toFixed(6));
          const log = await logOf(requestId);
          expect(log).toMatchObject({
            model: slug,
            stream,
            status: 'success',
            billing_status: 'billed',
            token_count_method: 'reported',
            prompt_tokens: buckets.prompt,
            completion_tokens: buckets.output,
            cached_tokens: buckets.cached,
            cache_write_tokens: buckets.write5m + buckets.write1h,
            reasoning_tokens: c.reasoning ? 3 * ANSWER : 0,
            estimated_cost_usd: (cost / 1e6).toFixed(6),
          });
          const debit = await f.gw.ctx.store.db
            .selectFrom('wallet_transactions')
            .select('amount_micros')
            .where('request_id', '=', requestId)
            .where('type', '=', 'llm_usage')
            .executeTakeFirstOrThrow();
          expect(Number(debit.amount_micros)).toBe(-cost);
        });
      }
    }
  }

  it('/usage sums the cache-write and reasoning tokens per model', async () => {
    await f.gw.ctx.requestLogs.flush();
    const rows = (await platform.get(`${base}/usage?group_by=model`)).body.data as Array<Record<string, unknown>>;
    const row = (slug: string) => rows.find((r) => r.key === slug);
    // Two calls (streamed and not) per slug pair; each slug here is one call.
    expect(row('p-anthropic-250000-j')).toMatchObject({
      requests: 1,
      prompt_tokens: 250_000,
      cached_tokens: 125_000,
      cache_write_tokens: 62_500 + 31_250,
      reasoning_tokens: 0,
    });
    expect(row('p-google-1000-s')).toMatchObject({ requests: 1, completion_tokens: 4 * ANSWER, reasoning_tokens: 3 * ANSWER });
    const total = rows.reduce((s, r) => s + Number(r.reasoning_tokens), 0);
    expect(total).toBe(8 * 3 * ANSWER); // openai and google, 2 prompts × 2 modes each
  });

  it('the reservation prices the prompt at the dearest input bucket and at every tier the prompt could cross', async () => {
    // $500 in the wallet (less what the calls above cost). ~1,000 prompt tokens at $1M per Mtok of 1-hour writes
    // is over $1,000; the same route without that price reserves a few cents.
    const long = 'word '.repeat(1000);
    const ask = (model: string) =>
      client(f.gw.url, f.endUserKey).post('/v1/chat/completions', { model, messages: [{ role: 'user', content: long }], max_tokens: 10 });
    await f.addRoute('r-write', 'anthropic', 'm', {
      input_usd_per_mtok: 1,
      output_usd_per_mtok: 1,
      cache_write_1h_usd_per_mtok: 1_000_000,
    });
    await f.addRoute('r-plain', 'anthropic', 'm', { input_usd_per_mtok: 1, output_usd_per_mtok: 1 });
    expectApiError(await ask('r-write'), 402, 'wallet_insufficient');
    expect((await ask('r-plain')).status).toBe(200);
    // A tier the reserve prompt crosses is reserved at; one above it is not.
    const tier = { input_usd_per_mtok: 1_000_000, output_usd_per_mtok: 1 };
    await f.addRoute('r-tier-low', 'google', 'm', {
      input_usd_per_mtok: 1,
      output_usd_per_mtok: 1,
      tiers: [{ above_input_tokens: 100, ...tier }],
    });
    await f.addRoute('r-tier-high', 'google', 'm', {
      input_usd_per_mtok: 1,
      output_usd_per_mtok: 1,
      tiers: [{ above_input_tokens: 100_000, ...tier }],
    });
    expectApiError(await ask('r-tier-low'), 402, 'wallet_insufficient');
    expect((await ask('r-tier-high')).status).toBe(200);
    await expectMoneySettled(f.gw.ctx, f.platformId);
  });
});
