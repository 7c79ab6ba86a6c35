/** The `google` kind: Gemini's generateContent API, translated to and from Chat Completions. */
import type { ProviderAdapter } from '../types.js';
import { parseGoogleError } from './errors.js';
import { buildGoogleRequest } from './request.js';
import { parseGoogleResponse } from './response.js';
import { createGoogleStreamTranslator } from './stream.js';

export const googleAdapter: ProviderAdapter = {
  kind: 'google',
  buildRequest: buildGoogleRequest,
  parseResponse: parseGoogleResponse,
  createStreamTranslator: createGoogleStreamTranslator,
  parseError: parseGoogleError,
};
