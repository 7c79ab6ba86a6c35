/** Shared set-up for the billing suites: a funded platform, end users with budgets, log rows like the pipeline's. */
import type { CompiledQuery } from 'kysely';
import type { ReserveRequest, Settled } from '../../../src/billing/engine-types.js';
import { uuidv7 } from '../../../src/crypto/ids.js';
import type { RequestLogsTable } from '../../../src/store/schema.js';
import { client, createPlatform } from '../../helpers/http.js';
import type { TestGateway } from '../../helpers/server.js';

/** mulberry32: a tiny seeded PRNG, so a failing run replays from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock tests move by hand. */
export function manualClock(startIso = '2026-03-15T12:00:00.000Z') {
  let t = Date.parse(startIso);
  return {
    now: () => t,
    set: (iso: string) => {
      t = Date.parse(iso);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export async function fundedPlatform(gw: TestGateway, opts: { walletUsd: number; markup?: number; name?: string }) {
  const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, opts.name ?? `Billing ${uuidv7().slice(-8)}`);
  const api = client(gw.url, platformKey);
  if (opts.markup !== undefined) {
    const res = await api.patch(`/v1/platforms/${platformId}`, { settings: { markup_percentage: opts.markup } });
    if (res.status !== 200) throw new Error(`settings: ${JSON.stringify(res.body)}`);
  }
  if (opts.walletUsd > 0) {
    const res = await api.post(`/v1/platforms/${platformId}/wallet/topup`, { amount: opts.walletUsd });
    if (res.status !== 201) throw new Error(`topup: ${JSON.stringify(res.body)}`);
  }
  return { platformId, platformKey, api, base: `/v1/platforms/${platformId}` };
}

export async function endUser(
  p: Awaited<ReturnType<typeof fundedPlatform>>,
  externalId: string,
  budget?: Record<string, unknown>,
): Promise<{ endUserId: string; key: string }> {
  const res = await p.api.post(`${p.base}/end-users`, { external_id: externalId });
  if (res.status !== 201 && res.status !== 200) throw new Error(`end user: ${JSON.stringify(res.body)}`);
  const endUserId = res.body.data.id as string;
  if (budget) {
    const b = await p.api.post(`${p.base}/end-users/${endUserId}/budget`, budget);
    if (b.status !== 201) throw new Error(`budget: ${JSON.stringify(b.body)}`);
  }
  return { endUserId, key: res.body.data.api_key.raw_key };
}

/** gpt-4o-like prices: $2.50 / $10 per million tokens. */
export function reserveRequest(platformId: string, endUserId: string | null, over: Partial<ReserveRequest> = {}): ReserveRequest {
  return {
    requestId: uuidv7(),
    platformId,
    endUserId,
    promptTokens: 100,
    maxOutputTokens: 1000,
    inputMicrosPerMtok: 2_500_000,
    outputMicrosPerMtok: 10_000_000,
    ...over,
  };
}

/** Writes the log row the pipeline would, with the amounts the engine actually charged. */
/** A chat.completion log row of 100 prompt and 10 output tokens, not billed (the engine fills the billing fields when it settles one). */
export function plainLogRow(requestId: string, platformId: string, endUserId: string | null, createdAt: string): RequestLogsTable {
  return {
    id: uuidv7(),
    request_id: requestId,
    platform_id: platformId,
    end_user_id: endUserId,
    request_type: 'chat.completion',
    provider_id: null,
    model: 'gpt-4o',
    provider_model_id: 'gpt-4o',
    stream: 0,
    prompt_tokens: 100,
    completion_tokens: 10,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    latency_ms: 1,
    ttft_ms: null,
    cost_micros: 0,
    end_user_cost_micros: 0,
    status: 'success',
    error_code: null,
    error_message: null,
    token_count_method: 'reported',
    billing_status: 'not_billed',
    fallback_from: null,
    metadata: '{}',
    created_at: createdAt,
  };
}

export async function writeLog(
  gw: TestGateway,
  r: { requestId: string; platformId: string; endUserId: string | null },
  settled: Settled | null,
) {
  const billed = settled !== null && settled.status !== 'expired';
  await gw.ctx.store.db
    .insertInto('request_logs')
    .values({
      ...plainLogRow(r.requestId, r.platformId, r.endUserId, new Date(gw.ctx.clock.now()).toISOString()),
      prompt_tokens: 0,
      completion_tokens: 0,
      cost_micros: billed ? settled.walletMicros : 0,
      end_user_cost_micros: billed ? settled.endUserMicros : 0,
      status: billed ? 'success' : 'error',
      billing_status: billed ? 'billed' : 'not_billed',
    })
    .execute();
}

/**
 * The wallet and budget rows with what is reserved on them: the row's `reserved_micros` plus what the engine
 * holds in memory (SQLite keeps its holds there; `dbReserved` is the column alone, always 0 on SQLite).
 */
export async function balances(gw: TestGateway, platformId: string, endUserId?: string) {
  const walletRow = await gw.ctx.store.db.selectFrom('wallets').selectAll().where('platform_id', '=', platformId).executeTakeFirstOrThrow();
  const budgetRow = endUserId
    ? await gw.ctx.store.db.selectFrom('budgets').selectAll().where('end_user_id', '=', endUserId).executeTakeFirst()
    : undefined;
  const wallet = { ...walletRow, reserved_micros: walletRow.reserved_micros + gw.ctx.billing.heldFor({ platformId }) };
  const budget = budgetRow && { ...budgetRow, reserved_micros: budgetRow.reserved_micros + gw.ctx.billing.heldForBudget(budgetRow.id) };
  return { wallet, budget, dbReserved: { wallet: walletRow.reserved_micros, budget: budgetRow?.reserved_micros } };
}

/** One call of the PostgreSQL money function: the operation kinds it carried (r, s, x), and its error if it failed. */
export type BillingCall = { kinds: string[]; error?: string };

/** One operation as the engine sent it to the money function (its short keys: k, id, c, ec, lb, …). */
export type BillingOp = { k: string } & Record<string, unknown>;

/**
 * Records every `assistiv_billing` call this gateway's PostgreSQL engine makes (it runs on the store's
 * executor), so a test can see how operations were batched and that no call failed as a whole (a failed
 * batch is retried one operation at a time, which would otherwise hide a deadlock), and every operation sent,
 * in order (`ops`). Call `stop` when done.
 */
export function recordBillingCalls(gw: TestGateway): { calls: BillingCall[]; ops: BillingOp[]; stop(): void } {
  const executor = gw.ctx.store.db.getExecutor();
  const original = executor.executeQuery.bind(executor);
  const calls: BillingCall[] = [];
  const ops: BillingOp[] = [];
  // A plain swap, not vi.spyOn: bench/billing-commit.ts imports this file outside vitest.
  const recording = async (query: CompiledQuery) => {
    if (!query.sql.includes('assistiv_billing(')) return original(query);
    const sent = JSON.parse(String(query.parameters[1])) as BillingOp[];
    ops.push(...sent);
    const call: BillingCall = { kinds: sent.map((op) => op.k) };
    calls.push(call);
    try {
      return await original(query);
    } catch (err) {
      call.error = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`.trim();
      throw err;
    }
  };
  executor.executeQuery = recording as typeof executor.executeQuery;
  return {
    calls,
    ops,
    stop: () => {
      executor.executeQuery = original;
    },
  };
}
