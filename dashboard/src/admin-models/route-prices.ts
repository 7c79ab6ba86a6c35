// The editable prices of a model route, in USD per million tokens.

/** Body of a price PATCH; `cached_input_usd_per_mtok` null = not priced separately. */
export interface RoutePrices {
  input_usd_per_mtok: number | string;
  output_usd_per_mtok: number | string;
  cached_input_usd_per_mtok: number | string | null;
}
