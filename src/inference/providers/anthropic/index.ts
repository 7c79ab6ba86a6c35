/** The `anthropic` kind: Anthropic's Messages API, translated to and from Chat Completions. */
import type { ProviderAdapter } from '../types.js';
import { parseAnthropicError } from './errors.js';
import { anthropicNativeMessages } from './native-messages.js';
import { buildAnthropicRequest } from './request.js';
import { parseAnthropicResponse } from './response.js';
import { createAnthropicStreamTranslator } from './stream.js';

export const anthropicAdapter: ProviderAdapter = {
  kind: 'anthropic',
  native: { messages: anthropicNativeMessages },
  buildRequest: buildAnthropicRequest,
  parseResponse: parseAnthropicResponse,
  createStreamTranslator: createAnthropicStreamTranslator,
  parseError: parseAnthropicError,
};
