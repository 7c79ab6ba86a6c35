// The editable prices of a model route (spec §2 "Prices"): the form's text and the PATCH body built from it.
import type { BodyOf, ModelRoute, PriceTier } from '../api';
import { decimalText } from '../format/decimal-text';
import { toAmount, toNumberField } from '../format/to-amount';

/** The price fields of a route or a tier, as the API names them. */
export const bucketFields = [
  'input_usd_per_mtok',
  'output_usd_per_mtok',
  'cached_input_usd_per_mtok',
  'cache_write_usd_per_mtok',
  'cache_write_1h_usd_per_mtok',
] as const;
export type BucketField = (typeof bucketFields)[number];

/** Input and output must be priced; the cache buckets may be empty (they fall back to the input price). */
export const requiredBuckets: readonly BucketField[] = ['input_usd_per_mtok', 'output_usd_per_mtok'];

export const bucketLabels: Record<BucketField, string> = {
  input_usd_per_mtok: 'Input',
  output_usd_per_mtok: 'Output',
  cached_input_usd_per_mtok: 'Cached input',
  cache_write_usd_per_mtok: 'Cache write 5 min',
  cache_write_1h_usd_per_mtok: 'Cache write 1 h',
};

/** One tier as typed; `key` keeps React rows stable while tiers are added and removed. */
export type TierDraft = Record<BucketField, string> & { key: number; above_input_tokens: string };

/** The whole editor as typed: decimal text, never numbers, so nothing is rounded while editing. */
export type PricesDraft = Record<BucketField, string> & { max_output_tokens: string; tiers: TierDraft[] };

/** The PATCH body of a model route (prices, tiers, limits, the enabled switch). */
export type ModelRouteUpdate = BodyOf<'/v1/admin/models/{modelId}', 'patch'>;

let nextKey = 1;

function bucketsOf(source: Record<BucketField, number | string | null>): Record<BucketField, string> {
  return Object.fromEntries(bucketFields.map((field) => [field, decimalText(source[field])])) as Record<BucketField, string>;
}

export function emptyTier(aboveInputTokens = ''): TierDraft {
  return { key: nextKey++, above_input_tokens: aboveInputTokens, ...bucketsOf({} as Record<BucketField, null>) };
}

function tierDraft(tier: PriceTier): TierDraft {
  return { key: nextKey++, above_input_tokens: String(tier.above_input_tokens), ...bucketsOf(tier) };
}

export function toPricesDraft(route: ModelRoute): PricesDraft {
  return {
    ...bucketsOf(route),
    max_output_tokens: String(route.max_output_tokens),
    tiers: (route.tiers ?? []).map(tierDraft),
  };
}

type RequiredBucket = 'input_usd_per_mtok' | 'output_usd_per_mtok';
type BucketsBody = Record<RequiredBucket, number> & Record<Exclude<BucketField, RequiredBucket>, number | null>;

/**
 * The typed text of each bucket as the JSON value the API reads: a number parsed from the text (the same
 * parse the API applies to a JSON number, no arithmetic), else the text itself so the API names the field.
 * An empty optional bucket is null (no separate price); an empty required one is sent as "" to be reported.
 * The text cases are why the result is cast to the request's number type.
 */
function bucketsBody(draft: Record<BucketField, string>): BucketsBody {
  return Object.fromEntries(
    bucketFields.map((field) => {
      const text = draft[field].trim();
      return [field, text === '' && !requiredBuckets.includes(field) ? null : toAmount(text)];
    }),
  ) as BucketsBody;
}

/** The PATCH body: every price, the tiers in the order typed (the API checks they ascend), max output tokens. */
export function toPricesBody(draft: PricesDraft): ModelRouteUpdate {
  return {
    ...bucketsBody(draft),
    tiers: draft.tiers.map((tier) => ({ above_input_tokens: toNumberField(tier.above_input_tokens), ...bucketsBody(tier) })),
    max_output_tokens: toNumberField(draft.max_output_tokens),
  };
}

/** Every `param` the editor can show beside a field, e.g. `tiers[1].above_input_tokens`. */
export function editorParams(draft: PricesDraft): string[] {
  const tierParams = draft.tiers.flatMap((_, index) => [
    `tiers[${index}]`,
    `tiers[${index}].above_input_tokens`,
    ...bucketFields.map((field) => `tiers[${index}].${field}`),
  ]);
  return [...bucketFields, 'max_output_tokens', 'tiers', ...tierParams];
}
