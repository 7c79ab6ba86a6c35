/** Request schemas shared by several management resources. */
import { z } from 'zod';
import { parseUsd } from '../billing/money.js';

export const platformParams = z.object({ platformId: z.string() });

/** A USD amount as the spec allows it: a number (or decimal string) with ≤ 6 decimals; sign checked. */
export function usdAmount(sign: 'positive' | 'non_negative' | 'non_zero') {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const parsed = parseUsd(value, sign);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    return parsed.micros;
  });
}

/** JSON object with a serialized size bound (metadata, settings). */
export function boundedObject(maxBytes: number) {
  return z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= maxBytes, {
    message: `must serialize to at most ${maxBytes} bytes`,
  });
}

export const expiresAt = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) > Date.now(), { message: 'must be in the future' });

/** Platform settings the gateway understands; other keys are kept as given. */
export const platformSettings = boundedObject(16 * 1024).superRefine((s, ctx) => {
  if ('markup_percentage' in s) {
    const m = s.markup_percentage;
    if (typeof m !== 'number' || !Number.isFinite(m) || m < 0 || m > 10_000) {
      ctx.addIssue({ code: 'custom', path: ['markup_percentage'], message: 'must be a number from 0 to 10000' });
    }
  }
  if ('default_budget_usd' in s && s.default_budget_usd !== null) {
    if (!parseUsd(s.default_budget_usd, 'positive').ok || typeof s.default_budget_usd !== 'number') {
      ctx.addIssue({
        code: 'custom',
        path: ['default_budget_usd'],
        message: 'must be a positive number with at most 6 decimals, or null',
      });
    }
  }
});

export const slugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes');
