/** The `openai` kind: OpenAI and every OpenAI-compatible server (xAI, Groq, Together, vLLM, Ollama…). */
import type { ProviderAdapter } from '../types.js';
import { parseOpenAiError } from './errors.js';
import { openAiNativeResponses } from './native-responses.js';
import { buildOpenAiRequest } from './request.js';
import { parseOpenAiResponse } from './response.js';
import { createOpenAiStreamTranslator } from './stream.js';

export const openaiAdapter: ProviderAdapter = {
  kind: 'openai',
  native: { responses: openAiNativeResponses },
  buildRequest: buildOpenAiRequest,
  parseResponse: parseOpenAiResponse,
  createStreamTranslator: createOpenAiStreamTranslator,
  parseError: parseOpenAiError,
};
