// Wire shape of a model route and its prices (USD per million tokens).
import type { Schemas } from './schemas';

/** A long-context tier: its prices apply above `above_input_tokens` input tokens. */
export type PriceTier = Schemas['PriceTier'];

export type ModelRoute = Schemas['ModelRoute'];
