/** The providers' public surface: one adapter per wire format, chosen by the provider's `kind`. */
import { anthropicAdapter } from './anthropic/index.js';
import { googleAdapter } from './google/index.js';
import { openaiAdapter } from './openai/index.js';
import type { ProviderAdapter, ProviderKind } from './types.js';

const ADAPTERS: Readonly<Record<ProviderKind, ProviderAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  google: googleAdapter,
};

export function adapterFor(kind: ProviderKind): ProviderAdapter {
  return ADAPTERS[kind];
}

export { ProviderProtocolError } from './protocol-error.js';
export { redactKey, redactSecrets } from './redact.js';
export type * from './types.js';
