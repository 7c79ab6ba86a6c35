/** The Admission resolves once whatever happens (spec §5c), with fakes that count every call. */

import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import { plainUsage } from '../providers/wire-usage.js';
import { admit } from './admission.js';
import type { LogBase } from './log-row.js';
import type { Candidate } from './route-cache.js';
import { PromptTokens } from './tokens.js';

function fakes(opts: { limited?: boolean; refused?: boolean; settleFails?: boolean } = {}) {
  const calls: string[] = [];
  const rows: Array<{ via: string; status: string; error_code: string | null }> = [];
  const reserved: Array<Record<string, unknown>> = [];
  const reservation = {
    requestId: 'r1',
    platformId: 'p',
    endUserId: 'u',
    budgetId: null,
    walletMicros: 100,
    budgetMicros: 0,
    markupPercentage: 0,
  };
  const ctx = {
    rateLimiter: {
      admit: async () => {
        calls.push('rate.admit');
        return opts.limited
          ? { ok: false, retryAfterSeconds: 1, headers: {}, message: 'slow down' }
          : { ok: true, ticket: { requestId: 'r1' }, headers: { 'x-ratelimit-remaining-requests': '9' } };
      },
      settle: () => calls.push('rate.settle'),
      release: () => calls.push('rate.release'),
    },
    billing: {
      reserve: async (req: Record<string, unknown>) => {
        calls.push('billing.reserve');
        reserved.push(req);
        return opts.refused ? { ok: false, code: 'wallet_insufficient', message: 'no money' } : { ok: true, reservation };
      },
      settle: async (_r: unknown, input: { logRow: { status: string; error_code: string | null } }) => {
        calls.push('billing.settle');
        if (opts.settleFails) throw new Error('database gone');
        rows.push({ via: 'settle', status: input.logRow.status, error_code: input.logRow.error_code });
        return { walletMicros: 42, endUserMicros: 42, status: 'settled' };
      },
      release: async (_r: unknown, row: { status: string; error_code: string | null }) => {
        calls.push('billing.release');
        rows.push({ via: 'release', status: row.status, error_code: row.error_code });
      },
    },
    requestLogs: {
      add: (row: { status: string; error_code: string | null }) =>
        rows.push({ via: 'batched', status: row.status, error_code: row.error_code }),
    },
  } as unknown as AppContext;
  return { ctx, calls, rows, reserved };
}

const base: LogBase = {
  requestId: 'r1',
  requestType: 'chat.completion',
  warnings: [],
  platformId: 'p',
  endUserId: 'u',
  model: 'm',
  stream: false,
  metadata: {},
  startedAtMs: 0,
  createdAtMs: 0,
};
const candidate = {
  providerId: 'prov',
  providerModelId: 'pm',
  providerSlug: 'openai',
  inputMicrosPerMtok: 1,
  outputMicrosPerMtok: 1,
  cachedInputMicrosPerMtok: 1,
} as unknown as Candidate;
const request = {
  base,
  prompt: new PromptTokens({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] }),
  maxOutputTokens: 30,
};
const usage = plainUsage(10, 5);
const noop = () => {};
const platform = { markupPercentage: 0, lowBalancePcts: [] };

async function admitted(f: ReturnType<typeof fakes>) {
  const outcome = await admit(f.ctx, request, [candidate], platform, noop);
  if (!outcome.ok) throw new Error('refused');
  return outcome.admission;
}

describe('admit', () => {
  it('a rate-limit refusal holds nothing and logs one rejected row', async () => {
    const f = fakes({ limited: true });
    const outcome = await admit(f.ctx, request, [candidate], platform, noop);
    expect(outcome.ok).toBe(false);
    expect(f.calls).toEqual(['rate.admit']);
    expect(f.rows).toEqual([{ via: 'batched', status: 'rejected', error_code: 'rate_limit_exceeded' }]);
  });

  it('the reservation carries the platform’s markup and low-balance percentages (a platform-key call: no markup)', async () => {
    const f = fakes();
    const settings = { markupPercentage: 12.5, lowBalancePcts: [50, 20] };
    expect((await admit(f.ctx, request, [candidate], settings, noop)).ok).toBe(true);
    const platformKey = { ...request, base: { ...base, endUserId: null } };
    expect((await admit(f.ctx, platformKey, [candidate], settings, noop)).ok).toBe(true);
    expect(f.reserved.map((r) => [r.markupPercentage, r.lowBalancePcts])).toEqual([
      [12.5, [50, 20]],
      [0, [50, 20]],
    ]);
  });

  it('a billing refusal returns the slot and answers without x-ratelimit headers', async () => {
    const f = fakes({ refused: true });
    const outcome = await admit(f.ctx, request, [candidate], platform, noop);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.headers).toEqual({});
    expect(f.calls).toEqual(['rate.admit', 'billing.reserve', 'rate.release']);
    expect(f.rows).toEqual([{ via: 'batched', status: 'rejected', error_code: 'wallet_insufficient' }]);
  });
});

describe('Admission resolves exactly once', () => {
  it('settle writes the row with the debit, and a second resolution throws without touching money', async () => {
    const f = fakes();
    const a = await admitted(f);
    await a.settle(candidate, { usage, tokenCountMethod: 'reported', status: 'success', fallbackFrom: null, ttftMs: null });
    await expect(
      a.settle(candidate, { usage, tokenCountMethod: 'reported', status: 'success', fallbackFrom: null, ttftMs: null }),
    ).rejects.toThrow(/resolved twice/);
    await expect(a.fail({ status: 'error', errorCode: 'x', errorMessage: 'x', fallbackFrom: null, reachedProvider: true })).rejects.toThrow(
      /resolved twice/,
    );
    await a.close(new Error('late'));
    expect(f.calls.filter((c) => c.startsWith('billing.'))).toEqual(['billing.reserve', 'billing.settle']);
    expect(f.rows).toEqual([{ via: 'settle', status: 'success', error_code: null }]);
  });

  it('close in the finally releases an admission nobody resolved, returns the slot and logs internal_error', async () => {
    const f = fakes();
    const a = await admitted(f);
    await a.close(new TypeError('bug'));
    expect(f.calls).toEqual(['rate.admit', 'billing.reserve', 'rate.release', 'billing.release']);
    expect(f.rows).toEqual([{ via: 'release', status: 'error', error_code: 'internal_error' }]);
    await a.close(new TypeError('again'));
    expect(f.calls.filter((c) => c === 'billing.release')).toHaveLength(1);
  });

  it('a settlement that throws leaves the admission open for close, which releases it once', async () => {
    const f = fakes({ settleFails: true });
    const a = await admitted(f);
    await expect(
      a.settle(candidate, { usage, tokenCountMethod: 'reported', status: 'success', fallbackFrom: null, ttftMs: null }),
    ).rejects.toThrow('database gone');
    expect(a.isOpen).toBe(true);
    await a.close(new Error('database gone'));
    expect(f.calls).toEqual(['rate.admit', 'billing.reserve', 'billing.settle', 'rate.release', 'billing.release']);
    expect(f.rows).toEqual([{ via: 'release', status: 'error', error_code: 'internal_error' }]);
  });

  it('fail after a provider was reached counts the slot (0 tokens) instead of returning it', async () => {
    const f = fakes();
    const a = await admitted(f);
    await a.fail({ status: 'error', errorCode: 'upstream_error', errorMessage: 'boom', fallbackFrom: 'openai', reachedProvider: true });
    expect(f.calls).toEqual(['rate.admit', 'billing.reserve', 'rate.settle', 'billing.release']);
    expect(f.rows).toEqual([{ via: 'release', status: 'error', error_code: 'upstream_error' }]);
  });
});
