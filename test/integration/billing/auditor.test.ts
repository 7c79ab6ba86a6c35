/**
 * A reference-model auditor of the money engine, in the style of TigerBeetle's VOPR auditor: random seeded
 * sequences of wallet top-ups and adjustments, budget changes, rate-limit changes and bursts of concurrent
 * inference calls (plain and streaming, failing before the first byte or mid-stream, cut, cancelled by the
 * client, refused with 402/404/429, invalid) run against a real gateway with mock providers. A plain in-test
 * model keeps what the money must be; after every step (once nothing is in flight) it is compared with the
 * wallet, the budgets, the log rows and both ledgers over HTTP, and `ledger verify` must be clean.
 *
 * Replay a failure with ASSISTIV_AUDITOR_SEED=<seed printed>; run more with ASSISTIV_AUDITOR_RUNS / _STEPS.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { withMarkupMicros } from '../../../src/billing/money.js';
import { client, createPlatform } from '../../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

const RUNS = Number(process.env.ASSISTIV_AUDITOR_RUNS ?? 3);
const STEPS = Number(process.env.ASSISTIV_AUDITOR_STEPS ?? 12);
const FIXED_SEED = process.env.ASSISTIV_AUDITOR_SEED === undefined ? undefined : Number(process.env.ASSISTIV_AUDITOR_SEED);

/** mulberry32: a tiny seeded PRNG, so a printed seed replays the whole sequence of choices. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

const micros = (usd: number) => Math.round(usd * 1e6);
const usd = (m: number) => m / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Model routes with known prices (µUSD per million tokens); behaviour comes from the upstream model name. */
type RouteSpec = {
  slug: string;
  provider: 'openai' | 'anthropic' | 'google';
  upstream: string;
  input: number;
  output: number;
  priority?: number;
};
const routes: RouteSpec[] = [
  { slug: 'aud-gpt', provider: 'openai', upstream: 'gpt-aud', input: 3, output: 12 },
  { slug: 'aud-claude', provider: 'anthropic', upstream: 'claude-aud', input: 2.5, output: 10 },
  { slug: 'aud-gemini', provider: 'google', upstream: 'gemini-aud', input: 1.25, output: 5 },
  { slug: 'aud-gemini-nousage', provider: 'google', upstream: 'gemini-aud-no-usage', input: 1.25, output: 5 },
  // Fails before the first byte on openai, then falls back to anthropic (billed at anthropic's prices).
  { slug: 'aud-fallback', provider: 'openai', upstream: 'gpt-aud-fail-503', input: 3, output: 12, priority: 1 },
  { slug: 'aud-fallback', provider: 'anthropic', upstream: 'claude-aud', input: 2.5, output: 10, priority: 2 },
  { slug: 'aud-fail', provider: 'openai', upstream: 'gpt-aud-fail-500', input: 3, output: 12 },
  { slug: 'aud-midstream', provider: 'openai', upstream: 'gpt-aud-stream-error', input: 3, output: 12 },
  { slug: 'aud-cut', provider: 'anthropic', upstream: 'claude-aud-cut-stream', input: 2.5, output: 10 },
  { slug: 'aud-slow', provider: 'openai', upstream: 'gpt-aud-slow-stream-30', input: 3, output: 12 },
  { slug: 'aud-slowhead', provider: 'openai', upstream: 'gpt-aud-slow-headers-5000', input: 3, output: 12 },
];
const pricesByUpstream = new Map(routes.map((r) => [r.upstream, r]));

type Kind =
  | 'ok'
  | 'ok-platform'
  | 'fallback'
  | 'fail'
  | 'midstream'
  | 'cut'
  | 'abort-stream'
  | 'abort-plain'
  | 'unknown-model'
  | 'invalid'
  | 'bad-key';
const kinds: Kind[] = [
  'ok',
  'ok',
  'ok',
  'ok',
  'ok-platform',
  'fallback',
  'fail',
  'midstream',
  'cut',
  'abort-stream',
  'abort-plain',
  'unknown-model',
  'invalid',
  'bad-key',
];

type Sent = {
  kind: Kind;
  user: number | null;
  stream: boolean;
  /** The HTTP status, or 'aborted' when the client went away. */
  status: number | 'aborted';
  requestId: string | null;
  code: string | null;
  costHeader: string | null;
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  body: string;
};

type BudgetModel = { maxMicros: number; usedMicros: number; suspended: boolean; replenishMicros: number | null; seenTx: Set<string> };
type LogRow = {
  request_id: string;
  end_user_id: string | null;
  provider_model_id: string | null;
  stream: boolean;
  status: string;
  error_code: string | null;
  billing_status: string;
  prompt_tokens: number;
  completion_tokens: number;
  token_count_method: string;
  estimated_cost_usd: string;
  end_user_cost_usd: string;
};

/** Runs share a gateway (each on its own platform) until this many; then a fresh one keeps `ledger verify` quick. */
const RUNS_PER_GATEWAY = 5;

describe.each(dialects)('money auditor against a reference model (%s)', (dialect) => {
  let f: InferenceFixture | undefined;
  let runsOnGateway = 0;
  const fixture = async (): Promise<InferenceFixture> => {
    if (f && runsOnGateway < RUNS_PER_GATEWAY) return f;
    await f?.close();
    runsOnGateway = 0;
    f = await startInferenceFixture({ dialect, walletUsd: 0 });
    for (const r of routes) {
      await f.addRoute(r.slug, r.provider, r.upstream, {
        input_usd_per_mtok: r.input,
        output_usd_per_mtok: r.output,
        max_output_tokens: 512,
        ...(r.priority !== undefined && { priority: r.priority }),
      });
    }
    return f;
  };
  afterAll(() => f?.close());

  const seeds = Array.from({ length: FIXED_SEED === undefined ? RUNS : 1 }, (_, i) =>
    FIXED_SEED === undefined ? (Date.now() + i * 7919) % 2 ** 31 : FIXED_SEED,
  );

  it.each(seeds)('sequence with seed %i keeps the model, reserves nothing at rest and verifies', { timeout: 120_000 }, async (seed) => {
    process.stdout.write(`[auditor] ${dialect}: seed ${seed} (replay with ASSISTIV_AUDITOR_SEED=${seed})\n`);
    const gateway = await fixture();
    runsOnGateway++;
    try {
      await runSequence(gateway, seed, STEPS);
    } catch (err) {
      process.stdout.write(`[auditor] ${dialect}: FAILED with seed ${seed}: replay with ASSISTIV_AUDITOR_SEED=${seed}\n`);
      throw err;
    }
  });
});

async function runSequence(f: InferenceFixture, seed: number, steps: number) {
  const rng = prng(seed);
  const admin = client(f.gw.url, f.gw.adminKey);
  const { platformId, platformKey } = await createPlatform(f.gw.url, f.gw.adminKey, `Audit ${seed}`);
  const platform = client(f.gw.url, platformKey);
  const base = `/v1/platforms/${platformId}`;
  for (const slug of ['openai', 'anthropic', 'google'] as const) {
    const res = await platform.post(`${base}/llm-configs`, { provider_id: f.providerIds[slug], api_key: `test-key-${slug}` });
    expect(res.status).toBe(201);
  }
  const markup = rng.pick([0, 0, 10, 12.5, 50]);
  if (markup > 0) expect((await platform.patch(base, { settings: { markup_percentage: markup } })).status).toBe(200);
  const users: Array<{ id: string; key: string }> = [];
  for (let i = 0; i < 4; i++) {
    const res = await platform.post(`${base}/end-users`, { external_id: `audit-${seed}-${i}` });
    users.push({ id: res.body.data.id, key: res.body.data.api_key.raw_key });
  }

  // The model: what the money must be.
  let walletCredits = 0; // top-ups + adjustments accepted, µUSD
  const budgets: Array<BudgetModel | null> = users.map(() => null);
  const rpm: Array<number | null> = users.map(() => null);
  const logs = new Map<string, LogRow>();
  let admitted = 0;
  let billedTotal = 0;
  const history: string[] = [];
  const outcomes = new Map<string, number>();
  const note = (s: string) => history.push(s);

  const topUp = async (amountMicros: number) => {
    const res = await platform.post(`${base}/wallet/topup`, { amount: usd(amountMicros) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    walletCredits += amountMicros;
  };
  await topUp(micros(rng.pick([0.02, 0.2, 1, 3])));

  for (let step = 0; step < steps; step++) {
    const stepName = `step ${step}`;
    // 1) Structural changes, between bursts (nothing in flight).
    for (let k = rng.int(1, 3); k > 0; k--) await structuralOp();
    // 2) A burst of concurrent requests, with additive money moves racing it.
    const n = rng.int(4, 18);
    const plans = Array.from({ length: n }, (_, i) => planRequest(`${seed}-${step}-${i}`));
    const racing: Array<Promise<unknown>> = [];
    let racingWallet = 0;
    const racingBudget = users.map(() => 0);
    if (rng.chance(0.4)) {
      const amount = micros(rng.pick([0.001, 0.01, 0.05]));
      racing.push(
        platform.post(`${base}/wallet/topup`, { amount: usd(amount) }).then((r) => {
          expect(r.status).toBe(201);
          racingWallet += amount;
        }),
      );
    }
    const withBudget = budgets.flatMap((b, i) => (b ? [i] : []));
    let toppedUp = -1;
    if (withBudget.length > 0 && rng.chance(0.4)) {
      const u = rng.pick(withBudget);
      toppedUp = u;
      const amount = micros(rng.pick([0.001, 0.005, 0.02]));
      racing.push(
        platform.post(`${base}/end-users/${users[u].id}/budget/topup`, { amount: usd(amount) }).then((r) => {
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          racingBudget[u] += amount;
        }),
      );
    }
    // A budget suspended, deleted or lowered while its calls are in flight: the model cannot say which calls
    // were admitted first, so that user's admissions go unchecked this step; the money still must add up.
    const racy = new Set<number>();
    const racyCandidates = withBudget.filter((u) => u !== toppedUp);
    if (racyCandidates.length > 0 && rng.chance(0.35)) {
      const u = rng.pick(racyCandidates);
      const b = budgets[u] as BudgetModel;
      const ub = `${base}/end-users/${users[u].id}/budget`;
      const op = rng.pick(b.replenishMicros === null ? (['suspend', 'delete', 'lower'] as const) : (['suspend', 'delete'] as const));
      racy.add(u);
      racing.push(
        sleep(rng.int(0, 40)).then(async () => {
          if (op === 'suspend') {
            const res = await platform.patch(ub, { is_suspended: !b.suspended });
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            b.suspended = !b.suspended;
          } else if (op === 'delete') {
            const res = await platform.delete(ub);
            expect(res.status, JSON.stringify(res.body)).toBe(204);
            budgets[u] = null;
          } else {
            const max = Math.max(1, Math.floor(b.maxMicros / 2));
            const res = await platform.patch(ub, { max_usd: usd(max) });
            // Refused when calls in flight hold more than the new max leaves (docs/billing.md).
            if (res.status === 200) b.maxMicros = max;
            else expect([400, 402, 409, 422], JSON.stringify(res.body)).toContain(res.status);
          }
          note(`racing ${op} on u${u}`);
          outcomes.set(`racing-${op}`, (outcomes.get(`racing-${op}`) ?? 0) + 1);
        }),
      );
    }
    const results = await Promise.all(plans.map((p) => send(p)));
    await Promise.all(racing);
    walletCredits += racingWallet;
    racingBudget.forEach((m, i) => {
      const b = budgets[i];
      if (m > 0 && b) b.maxMicros += m;
    });
    note(
      `${stepName}: ${results.map((r) => `${r.kind}${r.stream ? '~' : ''}@${r.user ?? 'p'}=${r.status}${r.code ? `/${r.code}` : ''}`).join(' ')}`,
    );

    // 3) Wait for every admitted request's log row, then compare everything with the model.
    for (const r of results) {
      const outcome = `${r.status}${r.code ? `/${r.code}` : ''}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const admittedNow = results.filter(isAdmitted);
    admitted += admittedNow.length;
    const fresh = await collectLogs(admitted, stepName);
    await checkStep(results, fresh, stepName, racy);
  }
  process.stdout.write(
    `[auditor] seed ${seed}: markup ${markup}%, ${steps} steps, ${admitted} admitted requests, ${logs.size} log rows, billed ${usd(billedTotal)} USD; ${[...outcomes].map(([o, n]) => `${o}×${n}`).join(' ')}\n`,
  );

  function isAdmitted(r: Sent): boolean {
    if (r.status === 'aborted') return true; // we only abort after the provider saw the request
    if (r.status === 401 || r.status === 403 || r.status === 413) return false;
    return !(r.status === 400 && r.code !== 'upstream_invalid_request');
  }

  async function structuralOp() {
    const u = rng.int(0, users.length - 1);
    const b = budgets[u];
    const ub = `${base}/end-users/${users[u].id}/budget`;
    const op = rng.pick([
      'topup',
      'adjust',
      'drain',
      'budget',
      'budget',
      'budget-topup',
      'budget-debit',
      'budget-max',
      'suspend',
      'delete',
      'rpm',
    ] as const);
    switch (op) {
      case 'topup':
        await topUp(micros(rng.pick([0.005, 0.05, 0.5])));
        break;
      case 'adjust':
      case 'drain': {
        const wallet = (await platform.get(`${base}/wallet`)).body.data;
        const balance = micros(wallet.balance);
        const amount =
          op === 'drain' ? -(balance - micros(rng.pick([0, 0.0005, 0.003, 0.01]))) : micros(rng.pick([-0.02, -0.002, 0.003, 0.1]));
        if (amount === 0) break;
        const res = await admin.post(`/v1/admin/platforms/${platformId}/wallet/adjustments`, { amount: usd(amount), description: 'audit' });
        if (balance + amount >= 0) {
          expect(res.status, `${op} ${amount} on ${balance}: ${JSON.stringify(res.body)}`).toBe(201);
          walletCredits += amount;
        } else {
          expect(res.status, `${op} ${amount} on ${balance} must be refused`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }
        note(`${op} ${amount} -> ${res.status}`);
        break;
      }
      case 'budget': {
        const max = micros(rng.pick([0.0005, 0.002, 0.01, 0.05]));
        const replenish = rng.chance(0.3) ? micros(rng.pick([0.001, 0.005])) : null;
        const res = await platform.post(ub, {
          max_usd: usd(max),
          period: rng.pick(['one_time', 'monthly', 'daily']),
          ...(replenish !== null && { auto_replenish: true, replenish_amount: usd(replenish) }),
        });
        if (b) expect(res.status).toBe(409);
        else {
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          budgets[u] = { maxMicros: max, usedMicros: 0, suspended: false, replenishMicros: replenish, seenTx: new Set() };
          // The opening row (and any other) is not a movement of this burst.
          for (const t of (await platform.get(`${ub}/transactions?limit=100`)).body.data) budgets[u]?.seenTx.add(t.id);
        }
        note(`budget u${u} ${max} -> ${res.status}`);
        break;
      }
      case 'budget-topup': {
        const amount = micros(rng.pick([0.001, 0.01]));
        const res = await platform.post(`${ub}/topup`, { amount: usd(amount) });
        if (!b) expect(res.status).toBe(404);
        else {
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          b.maxMicros += amount;
        }
        break;
      }
      case 'budget-debit': {
        const amount = micros(rng.pick([0.0001, 0.001, 0.02]));
        const res = await platform.post(`${ub}/debit`, { amount: usd(amount) });
        if (!b) expect(res.status).toBe(404);
        else if (b.maxMicros - b.usedMicros >= amount) {
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          b.usedMicros += amount;
        } else {
          expect(res.status, `a debit beyond the remaining must be refused: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }
        note(`debit u${u} ${amount} -> ${res.status}`);
        break;
      }
      case 'budget-max': {
        const max = micros(rng.pick([0.0002, 0.003, 0.03]));
        const res = await platform.patch(ub, { max_usd: usd(max) });
        if (!b) expect(res.status).toBe(404);
        else if (max >= b.usedMicros) {
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          b.maxMicros = max;
        } else {
          expect(res.status, `max below used must be refused: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }
        note(`max u${u} ${max} -> ${res.status}`);
        break;
      }
      case 'suspend': {
        const res = await platform.patch(ub, { is_suspended: !(b?.suspended ?? false) });
        if (!b) expect(res.status).toBe(404);
        else {
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          b.suspended = !b.suspended;
        }
        note(`suspend u${u} -> ${b?.suspended}`);
        break;
      }
      case 'delete': {
        const res = await platform.delete(ub);
        expect(res.status).toBe(b ? 204 : 404);
        budgets[u] = null;
        note(`delete budget u${u}`);
        break;
      }
      case 'rpm': {
        const limit = rng.pick([null, 2, 5, 50]);
        const res =
          limit === null
            ? await platform.delete(`${base}/end-users/${users[u].id}/rate-limits`)
            : await platform.put(`${base}/end-users/${users[u].id}/rate-limits`, { rpm_limit: limit });
        expect(res.status).toBeLessThan(300);
        rpm[u] = limit;
        note(`rpm u${u} ${limit}`);
        break;
      }
    }
  }

  type Plan = { kind: Kind; user: number | null; stream: boolean; body: Record<string, unknown>; marker: string };
  function planRequest(marker: string): Plan {
    const kind = rng.pick(kinds);
    const user = kind === 'ok-platform' ? null : rng.int(0, users.length - 1);
    const model = {
      ok: rng.pick(['aud-gpt', 'aud-claude', 'aud-gemini', 'aud-gemini-nousage']),
      'ok-platform': rng.pick(['aud-gpt', 'aud-claude']),
      fallback: 'aud-fallback',
      fail: 'aud-fail',
      midstream: 'aud-midstream',
      cut: 'aud-cut',
      'abort-stream': 'aud-slow',
      'abort-plain': 'aud-slowhead',
      'unknown-model': 'aud-no-such-model',
      invalid: 'aud-gpt',
      'bad-key': 'aud-gpt',
    }[kind];
    const stream = kind === 'midstream' || kind === 'abort-stream' ? true : kind === 'abort-plain' ? false : rng.chance(0.5);
    const words = Array.from({ length: rng.int(1, 40) }, (_, i) => `w${i}`).join(' ');
    const body: Record<string, unknown> = {
      model,
      messages: kind === 'invalid' ? 'not a list' : [{ role: 'user', content: `audit ${marker}: ${words}` }],
      ...(stream && { stream: true, ...(rng.chance(0.5) && { stream_options: { include_usage: true } }) }),
      ...(rng.chance(0.6) && { max_tokens: rng.pick([1, 16, 64, 256, 512]) }),
    };
    return { kind, user, stream, body, marker };
  }

  async function send(p: Plan): Promise<Sent> {
    const key = p.kind === 'bad-key' ? 'sk-eu_not-a-real-key' : p.user === null ? platformKey : users[p.user].key;
    const controller = new AbortController();
    const sent: Sent = {
      kind: p.kind,
      user: p.user,
      stream: p.stream,
      status: 'aborted',
      requestId: null,
      code: null,
      costHeader: null,
      usage: null,
      body: '',
    };
    if (p.kind === 'abort-plain') void abortWhenUpstreamSees(p.marker, controller);
    try {
      const res = await fetch(`${f.gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(p.body),
        signal: controller.signal,
      });
      sent.status = res.status;
      sent.requestId = res.headers.get('x-request-id');
      sent.costHeader = res.headers.get('x-assistiv-cost-usd');
      if (p.kind === 'abort-stream' && res.status === 200 && res.body) {
        // Cancel once the first content chunk arrived: the gateway must bill what was generated so far.
        const reader = res.body.getReader();
        const first = await reader.read();
        sent.body = new TextDecoder().decode(first.value);
        controller.abort();
        await reader.cancel().catch(() => undefined);
        sent.status = 'aborted';
        return sent;
      }
      sent.body = await res.text();
    } catch (err) {
      if (!controller.signal.aborted) throw err;
      return sent;
    }
    if (typeof sent.status === 'number' && sent.status !== 200) {
      sent.code = JSON.parse(sent.body).error?.code ?? null;
    } else if (!p.stream) {
      sent.usage = JSON.parse(sent.body).usage ?? null;
    } else {
      for (const line of sent.body.split('\n')) {
        if (!line.startsWith('data: {')) continue;
        const chunk = JSON.parse(line.slice(6));
        if (chunk.usage) sent.usage = chunk.usage;
        if (chunk.error) sent.code = chunk.error.code ?? 'stream_error';
      }
    }
    return sent;
  }

  /** Aborts a non-streaming call once the mock provider received it (so it was admitted and sent upstream). */
  async function abortWhenUpstreamSees(marker: string, controller: AbortController) {
    const needle = `audit ${marker}:`;
    for (let i = 0; i < 500; i++) {
      if (f.mocks.openai.requests.some((r) => JSON.stringify(r.body).includes(needle))) break;
      await sleep(5);
    }
    controller.abort();
  }

  /** Polls the logs API until it holds `expected` rows (a stream's row lands just after its last byte). */
  async function collectLogs(expected: number, stepName: string): Promise<LogRow[]> {
    const fresh: LogRow[] = [];
    let total = 0;
    for (let attempt = 0; attempt < 200; attempt++) {
      await f.gw.ctx.requestLogs.flush();
      total = (await platform.get(`${base}/logs?limit=1`)).body.total;
      if (total >= expected) break;
      await sleep(25);
    }
    expect(total, `${stepName}: one log row per admitted request\n${history.join('\n')}`).toBe(expected);
    for (let page = 1; logs.size < total; page++) {
      const res = await platform.get(`${base}/logs?limit=100&page=${page}`);
      if (res.body.data.length === 0) break;
      for (const row of res.body.data as LogRow[]) {
        if (logs.has(row.request_id)) continue;
        logs.set(row.request_id, row);
        fresh.push(row);
      }
    }
    expect(logs.size, `${stepName}: log rows have distinct request ids`).toBe(total);
    return fresh;
  }

  async function checkStep(results: Sent[], fresh: LogRow[], stepName: string, racy: Set<number>) {
    const ctx = `${stepName} (seed ${seed})\n${history.join('\n')}`;
    const byId = new Map(fresh.map((l) => [l.request_id, l]));

    // The ledgers' rows of this step's requests (newest first, so the first pages hold them).
    const debits = new Map<string, Array<{ micros: number; description: string }>>();
    for (let page = 1; ; page++) {
      const res = await platform.get(`${base}/wallet/transactions?type=llm_usage&limit=100&page=${page}`);
      for (const t of res.body.data as Array<{ amount: number; request_id: string; description: string }>) {
        if (byId.has(t.request_id))
          debits.set(t.request_id, [...(debits.get(t.request_id) ?? []), { micros: micros(-t.amount), description: t.description }]);
      }
      if (res.body.data.length < 100) break;
    }
    const usageRows = new Map<string, Array<{ type: string; micros: number; cappedFrom: number | undefined }>>();
    for (let u = 0; u < users.length; u++) {
      const b = budgets[u];
      if (!b) continue;
      const res = await platform.get(`${base}/end-users/${users[u].id}/budget/transactions?limit=100`);
      for (const t of res.body.data as Array<{
        id: string;
        type: string;
        amount: number;
        request_id: string | null;
        metadata: Record<string, number>;
      }>) {
        if (!b.seenTx.has(t.id) && t.type === 'replenish') {
          // Auto-replenish raises max once when a call finds the remaining too small (docs/billing.md).
          expect(micros(t.amount), `${ctx}\nreplenish of user ${u}`).toBe(b.replenishMicros);
          b.maxMicros += micros(t.amount);
        }
        b.seenTx.add(t.id);
        if (t.request_id === null || !byId.has(t.request_id)) continue;
        const row = { type: t.type, micros: micros(-t.amount), cappedFrom: t.metadata?.capped_from_micros };
        usageRows.set(t.request_id, [...(usageRows.get(t.request_id) ?? []), row]);
      }
    }

    // Per response: its log row says what the client saw.
    for (const r of results) {
      if (!isAdmitted(r) || r.requestId === null) continue;
      const log = byId.get(r.requestId);
      expect(log, `${ctx}\nno log row for ${r.kind} ${r.requestId}`).toBeDefined();
      if (!log) continue;
      if (r.status === 402 || r.status === 429 || r.status === 404) {
        expect(log, ctx).toMatchObject({ status: 'rejected', billing_status: 'not_billed', error_code: r.code });
      }
      const settled = r.user !== null && !racy.has(r.user);
      if (settled && r.status === 402 && budgets[r.user as number]?.suspended) expect(r.code, ctx).toBe('budget_suspended');
      if (settled && budgets[r.user as number]?.suspended) expect(r.status, `${ctx}\na suspended budget admits nothing`).not.toBe(200);
      if (r.status === 200 && !r.stream) {
        expect(log, ctx).toMatchObject({ status: 'success', billing_status: 'billed' });
        expect(r.costHeader, ctx).toBe(log.estimated_cost_usd);
      }
      if (r.status === 502 || r.kind === 'fail') expect(log.billing_status, ctx).toBe('not_billed');
      if (r.kind === 'fallback' && r.status === 200) expect(log.provider_model_id, ctx).toBe('claude-aud');
      if (r.status === 200 && r.code === null && r.usage && log.token_count_method === 'reported' && log.provider_model_id) {
        // Exact price: usage × the answering route's prices, rounded half-up once (before any cap).
        const route = pricesByUpstream.get(log.provider_model_id);
        expect(route, ctx).toBeDefined();
        if (route) {
          const numerator = r.usage.prompt_tokens * micros(route.input) + r.usage.completion_tokens * micros(route.output);
          expect(uncappedCost(log), `${ctx}\nprice of ${r.requestId}`).toBe(Math.floor((numerator + 500_000) / 1_000_000));
        }
      }
    }
    // Rate limits: within one burst a user with an rpm limit gets at most that many answers.
    users.forEach((_, u) => {
      const limit = rpm[u];
      if (limit === null) return;
      const answered = results.filter((r) => r.user === u && r.status === 200).length;
      expect(answered, `${ctx}\nrpm ${limit} for user ${u}`).toBeLessThanOrEqual(limit);
    });

    /** The wallet's charge before a cap: a provider overrun beyond the available balance is capped, and its ledger row says so. */
    function uncappedCost(log: LogRow): number {
      const cost = micros(Number(log.estimated_cost_usd));
      const capped = /capped: the cost of (\d+) µUSD/.exec(debits.get(log.request_id)?.[0]?.description ?? '');
      if (!capped) return cost;
      expect(Number(capped[1]), `${ctx}\na capped charge is below its cost`).toBeGreaterThan(cost);
      return Number(capped[1]);
    }

    // Each billed row: one wallet debit of its cost; one budget usage row of its end-user cost (cost with markup, or capped).
    for (const log of fresh) {
      const cost = micros(Number(log.estimated_cost_usd));
      const endUserCost = micros(Number(log.end_user_cost_usd));
      if (log.billing_status !== 'billed') {
        expect([cost, debits.get(log.request_id), usageRows.get(log.request_id)], `${ctx}\nunbilled ${log.request_id}`).toEqual([
          0,
          undefined,
          undefined,
        ]);
        continue;
      }
      expect(
        debits.get(log.request_id)?.map((d) => d.micros),
        `${ctx}\nwallet debit of ${log.request_id}`,
      ).toEqual([cost]);
      billedTotal += cost;
      const u = users.findIndex((x) => x.id === log.end_user_id);
      if (u === -1) {
        // A platform-key call is billed to no end user: its end-user cost is the cost, without markup (spec §5).
        expect(endUserCost, `${ctx}\nplatform-key call ${log.request_id}`).toBe(uncappedCost(log));
        continue;
      }
      const full = withMarkupMicros(uncappedCost(log), markup);
      const b = budgets[u];
      if (!b) {
        // (A budget deleted mid-burst may have capped the charge before it went.)
        if (!racy.has(u)) expect(endUserCost, `${ctx}\nend-user cost at markup ${markup}: ${JSON.stringify(log)}`).toBe(full);
        expect(usageRows.get(log.request_id), ctx).toBeUndefined();
        continue;
      }
      const rows = usageRows.get(log.request_id) ?? [];
      expect(
        rows.map((t) => [t.type, t.micros]),
        `${ctx}\nbudget usage row of ${log.request_id}`,
      ).toEqual([['usage', endUserCost]]);
      if (rows[0]?.cappedFrom === undefined)
        expect(endUserCost, `${ctx}\nend-user cost at markup ${markup}: ${JSON.stringify(log)}`).toBe(full);
      else expect([rows[0].cappedFrom, endUserCost < full], `${ctx}\ncapped budget charge of ${log.request_id}`).toEqual([full, true]);
      b.usedMicros += endUserCost;
    }

    const wallet = (await platform.get(`${base}/wallet`)).body.data;
    expect(wallet.reserved, `${ctx}\nwallet reserved at rest`).toBe(0);
    expect(micros(wallet.balance), `${ctx}\nwallet = credits − Σ logged costs`).toBe(walletCredits - billedTotal);
    expect(wallet.balance, ctx).toBeGreaterThanOrEqual(0);

    for (let u = 0; u < users.length; u++) {
      const res = await platform.get(`${base}/end-users/${users[u].id}/budget`);
      const b = budgets[u];
      if (!b) {
        expect(res.status, ctx).toBe(404);
        continue;
      }
      expect(res.status, ctx).toBe(200);
      const got = res.body.data;
      expect(
        { max: micros(got.max_usd), used: micros(got.used_usd), reserved: got.reserved_usd, suspended: got.is_suspended },
        `${ctx}\nbudget of user ${u}`,
      ).toEqual({ max: b.maxMicros, used: b.usedMicros, reserved: 0, suspended: b.suspended });
      expect(b.usedMicros, `${ctx}\nno overspend on user ${u}`).toBeLessThanOrEqual(b.maxMicros);
    }

    const report = await verifyLedger(f.gw.ctx.store);
    expect(report.differences, `${ctx}\nledger verify`).toEqual([]);
  }
}
