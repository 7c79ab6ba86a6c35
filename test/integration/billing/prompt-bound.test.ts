/**
 * The reservation's prompt side without the tokenizer (issue 14): both engines hold a call's prompt at its
 * UTF-8 byte bound, and count tokens only when the bound would be refused or would trigger an auto-replenish
 * (PostgreSQL: the money function answers needs_exact there, V6), so the bound never refuses a call or moves
 * money. Checked from the outside: the amount held in flight, and budgets that fit the counted prompt but not
 * its bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { worstCaseMicros } from '../../../src/billing/money.js';
import { estimatePromptTokens, promptTokenBound, reservePromptTokens, tokenizerLoaded } from '../../../src/inference/core/tokens.js';
import type { ChatRequest } from '../../../src/inference/providers/types.js';
import { client } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';
import { fundedPlatform, reserveRequest } from './fixtures.js';

const MAX_TOKENS = 100;
// ~1,000 tokens of prose in ~5,000 bytes: the bound is about five times the count.
const PROSE = 'The quick brown fox jumps over the lazy dog. '.repeat(110);
const body = (model: string) => ({ model, max_tokens: MAX_TOKENS, messages: [{ role: 'user' as const, content: PROSE }] });

/** What a call of this body holds on the wallet, with its prompt taken as `promptTokens` (before the margin). */
const held = (promptTokens: number) =>
  worstCaseMicros({
    promptTokens: reservePromptTokens(promptTokens),
    maxOutputTokens: MAX_TOKENS,
    inputMicrosPerMtok: 2_500_000,
    outputMicrosPerMtok: 10_000_000,
  });

// First in this file (vitest gives each file its own module graph): nothing here has counted tokens yet.
describe('the tokenizer is loaded only when a count is needed', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInferenceFixture({ dialect: 'sqlite', walletUsd: 20 });
    await f.addRoute('reports-usage', 'openai', 'gpt-4o', { max_output_tokens: 1000 });
    await f.addRoute('no-usage', 'openai', 'gpt-4o-no-usage', { max_output_tokens: 1000 });
  });
  afterAll(() => f?.close());

  it('calls whose provider reports usage never load it; one that reports none does, and is billed from the count', async () => {
    const user = await f.newEndUser('lazy');
    expect((await client(f.gw.url, user.key).post('/v1/chat/completions', body('reports-usage'))).status).toBe(200);
    const streamed = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body('reports-usage'), stream: true }),
    });
    expect(await streamed.text()).toContain('data: [DONE]');
    expect(tokenizerLoaded()).toBe(false);
    const res = await client(f.gw.url, user.key).post('/v1/chat/completions', body('no-usage'));
    expect(res.status).toBe(200);
    expect(tokenizerLoaded()).toBe(true);
    expect(res.body.usage.prompt_tokens).toBe(counted());
  });
});

/** The tokenizer's count of the prompt (a function: this file must not count before the first test). */
const counted = () => estimatePromptTokens(body('m') as ChatRequest);

describe.each(dialects)('reservations from the prompt bound (%s)', (dialect) => {
  let f: InferenceFixture;
  const base = () => `/v1/platforms/${f.platformId}`;
  const bound = promptTokenBound(body('m') as ChatRequest);

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, walletUsd: 20 });
    await f.addRoute('slow-model', 'openai', 'gpt-slow-headers-1500', { max_output_tokens: 1000 });
    await f.addRoute('quick-model', 'openai', 'gpt-4o', { max_output_tokens: 1000 });
  });
  afterAll(() => f?.close());

  it('the bound is several times the count here, so the tests below tell the two apart', () => {
    expect(counted()).toBeGreaterThan(900);
    expect(bound).toBeGreaterThan(4 * counted());
    expect(held(bound)).toBeGreaterThan(held(counted()) + 10_000);
  });

  it('a call in flight holds the bound', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const user = await f.newEndUser('in-flight');
    const call = client(f.gw.url, user.key).post('/v1/chat/completions', body('slow-model'));
    let wallet = (await platform.get(`${base()}/wallet`)).body.data;
    for (let i = 0; i < 100 && wallet.reserved === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      wallet = (await platform.get(`${base()}/wallet`)).body.data;
    }
    expect(Math.round(wallet.reserved * 1e6)).toBe(held(bound));
    expect((await call).status).toBe(200);
  });

  it('a budget that fits the counted prompt but not its bound serves the call: no refusal, no budget.exhausted', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const user = await f.newEndUser('tight');
    const maxMicros = held(counted()) + 1_000;
    expect(maxMicros).toBeLessThan(held(bound));
    await platform.post(`${base()}/end-users/${user.id}/budget`, { max_usd: maxMicros / 1e6 });
    const res = await client(f.gw.url, user.key).post('/v1/chat/completions', body('quick-model'));
    expect(res.status).toBe(200);
    const budget = await f.gw.ctx.store.db.selectFrom('budgets').selectAll().where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
    expect((budget as Record<string, unknown>).exhausted_notified_id).toBeNull();
  });

  it('an auto-replenishing budget that fits the counted prompt is not replenished because of the bound', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const user = await f.newEndUser('replenish');
    const maxMicros = held(counted()) + 1_000;
    await platform.post(`${base()}/end-users/${user.id}/budget`, { max_usd: maxMicros / 1e6, auto_replenish: true, replenish_amount: 1 });
    const res = await client(f.gw.url, user.key).post('/v1/chat/completions', body('quick-model'));
    expect(res.status).toBe(200);
    const types = await f.gw.ctx.store.db
      .selectFrom('budget_transactions')
      .select('type')
      .where('end_user_id', '=', user.id)
      .orderBy('id')
      .execute();
    expect(types.map((t) => t.type)).toContain('usage');
    expect(types.map((t) => t.type)).not.toContain('replenish');
  });

  it('a budget that fits neither is refused by the counted prompt: the 402 names what the count needs', async () => {
    const platform = client(f.gw.url, f.platformKey);
    const user = await f.newEndUser('short');
    const maxMicros = held(counted()) - 1;
    await platform.post(`${base()}/end-users/${user.id}/budget`, { max_usd: maxMicros / 1e6 });
    const res = await client(f.gw.url, user.key).post('/v1/chat/completions', body('quick-model'));
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('budget_exhausted');
    expect(res.body.error.message).toContain(`(${reservePromptTokens(counted())} prompt tokens + ${MAX_TOKENS} output tokens)`);
    await f.gw.ctx.requestLogs.flush();
    expect((await verifyLedger(f.gw.ctx.store)).differences).toEqual([]);
  });

  it('a wallet that fits the counted prompt but not its bound holds the count; one that fits neither is refused by the count', async () => {
    // Bound: 10,000 prompt tokens (25,000 µUSD) + 1,000 output (10,000 µUSD); counted: 100 prompt tokens (250 µUSD).
    const exact = () => ({ promptTokens: 100, inputMicrosPerMtok: 2_500_000, outputMicrosPerMtok: 10_000_000 });
    const roomy = await fundedPlatform(f.gw, { walletUsd: 0.02 });
    const held = await f.gw.ctx.billing.reserve(reserveRequest(roomy.platformId, null, { promptTokens: 10_000, exact }));
    expect(held).toMatchObject({ ok: true, reservation: { walletMicros: 10_250 } });
    if (held.ok) await f.gw.ctx.billing.release(held.reservation);
    const short = await fundedPlatform(f.gw, { walletUsd: 0.01 });
    const refused = await f.gw.ctx.billing.reserve(reserveRequest(short.platformId, null, { promptTokens: 10_000, exact }));
    expect(refused).toMatchObject({ ok: false, code: 'wallet_insufficient' });
    expect(!refused.ok && refused.message).toContain('about 975 output tokens');
  });
});
