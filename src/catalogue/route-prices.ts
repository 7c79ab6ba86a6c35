/**
 * The rules every model-route price obeys, wherever it comes from: the operator API (`/v1/admin/models`) and
 * `assistiv prices import` validate with these same schemas, so an imported price is one the API would accept.
 */
import { z } from 'zod';

/** USD per million tokens with at most 6 decimals, stored as integer µUSD per million tokens (exact round trip). */
export const usdPerMtok = z
  .number()
  .min(0)
  .max(1_000_000)
  .refine((v) => Math.round(v * 1_000_000) / 1_000_000 === v, 'must have at most 6 decimal places')
  .transform((v) => Math.round(v * 1_000_000));

/**
 * Long-context tiers (spec §2 "Prices"): each with input and output prices, thresholds strictly ascending.
 * A bad tier is a 400 naming it, e.g. `tiers[1].input_usd_per_mtok` or `tiers[1].above_input_tokens`.
 */
export const tiersSchema = z
  .array(
    z
      .object({
        above_input_tokens: z.number().int().min(0).max(100_000_000),
        input_usd_per_mtok: usdPerMtok,
        output_usd_per_mtok: usdPerMtok,
        cached_input_usd_per_mtok: usdPerMtok.nullable().optional(),
        cache_write_usd_per_mtok: usdPerMtok.nullable().optional(),
        cache_write_1h_usd_per_mtok: usdPerMtok.nullable().optional(),
      })
      .strict(),
  )
  .max(16)
  .superRefine((tiers, ctx) => {
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i].above_input_tokens <= tiers[i - 1].above_input_tokens)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'above_input_tokens'],
          message: 'tiers must be in ascending order of above_input_tokens, each above the one before',
        });
    }
  });

/** A model route's price fields as the operator API names them (all optional: a price list may omit some). */
export const routePricesSchema = z
  .object({
    input_usd_per_mtok: usdPerMtok,
    output_usd_per_mtok: usdPerMtok,
    cached_input_usd_per_mtok: usdPerMtok.nullable().optional(),
    cache_write_usd_per_mtok: usdPerMtok.nullable().optional(),
    cache_write_1h_usd_per_mtok: usdPerMtok.nullable().optional(),
    tiers: tiersSchema.nullable().optional(),
  })
  .strict();

/** Route prices in USD per million tokens, before validation. */
export type RoutePricesInput = z.input<typeof routePricesSchema>;
/** The same prices validated, in integer µUSD per million tokens (tiers still under their *_usd_* names). */
export type RoutePrices = z.output<typeof routePricesSchema>;
