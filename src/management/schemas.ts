/** Request schemas shared by several management resources. */
import { z } from 'zod';
import { isExactMarkup, parseUsd } from '../billing/money.js';

export const platformParams = z.object({ platformId: z.string() });

/** One movement or threshold is at most a billion dollars: balances stay far inside exact integer range (2^53 µUSD ≈ 9 billion USD). */
export const MAX_AMOUNT_MICROS = 1_000_000_000 * 1_000_000;

/** A USD amount as the spec allows it: a number (or decimal string) with ≤ 6 decimals; sign checked. */
export function usdAmount(sign: 'positive' | 'non_negative' | 'non_zero') {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const parsed = parseUsd(value, sign);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    if (Math.abs(parsed.micros) > MAX_AMOUNT_MICROS) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 1000000000 (one billion USD)' });
      return z.NEVER;
    }
    return parsed.micros;
  });
}

/** JSON object with a bound on its serialized size in UTF-8 bytes (metadata, settings). */
export function boundedObject(maxBytes: number) {
  return z.record(z.string(), z.unknown()).refine((v) => Buffer.byteLength(JSON.stringify(v), 'utf8') <= maxBytes, {
    message: `must serialize to at most ${maxBytes} bytes of JSON`,
  });
}

/** Settings as stored: a null value removes the setting (PATCH merges; create simply drops nulls). */
export function mergeSettings(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...patch };
  for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
  return merged;
}

export const expiresAt = z.iso.datetime({ offset: true }).refine((v) => Date.parse(v) > Date.now(), { message: 'must be in the future' });

/** Platform settings the gateway understands; other keys are kept as given. */
export const platformSettings = boundedObject(16 * 1024).superRefine((s, ctx) => {
  if ('markup_percentage' in s && s.markup_percentage !== null) {
    const m = s.markup_percentage;
    if (typeof m !== 'number' || !Number.isFinite(m) || m < 0 || m > 10_000) {
      ctx.addIssue({ code: 'custom', path: ['markup_percentage'], message: 'must be a number from 0 to 10000' });
    } else if (!isExactMarkup(m)) {
      // Billing keeps 4 decimals; a finer markup would be rounded silently, so it is refused instead.
      ctx.addIssue({ code: 'custom', path: ['markup_percentage'], message: 'must have at most 4 decimal places' });
    }
  }
  if ('default_budget_usd' in s && s.default_budget_usd !== null) {
    const parsed = parseUsd(s.default_budget_usd, 'positive');
    if (typeof s.default_budget_usd !== 'number' || !parsed.ok || parsed.micros > MAX_AMOUNT_MICROS) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_budget_usd'],
        message: 'must be a positive number with at most 6 decimals, or null',
      });
    }
  }
  if ('low_balance_thresholds' in s && s.low_balance_thresholds !== null && !isLowBalanceThresholds(s.low_balance_thresholds)) {
    ctx.addIssue({
      code: 'custom',
      path: ['low_balance_thresholds'],
      message: 'must be a list of at most 5 unique percentages of max_usd, each above 0 and below 100 (e.g. [50, 20, 5]), or null',
    });
  }
});

/** settings.low_balance_thresholds (docs/decisions.md): up to 5 unique percentages in (0, 100), in any order. */
function isLowBalanceThresholds(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > 5) return false;
  const ok = v.every((p) => typeof p === 'number' && Number.isFinite(p) && p > 0 && p < 100);
  return ok && new Set(v).size === v.length;
}

export const slugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes');
