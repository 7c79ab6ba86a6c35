/** OpenAI sampling and format fields → Gemini `generationConfig` (ai.google.dev/api/generate-content#GenerationConfig). */
import { isRecord } from '../json.js';
import type { ChatRequest } from '../types.js';
import { toGeminiSchema } from './schema.js';

/** OpenAI field → generationConfig field, for numbers copied as they are. */
const NUMERIC_FIELDS = [
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['n', 'candidateCount'],
  ['seed', 'seed'],
  ['presence_penalty', 'presencePenalty'],
  ['frequency_penalty', 'frequencyPenalty'],
] as const;

export function buildGenerationConfig(body: ChatRequest, dropped: Set<string>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [from, to] of NUMERIC_FIELDS) {
    const value = body[from];
    if (typeof value === 'number') config[to] = value;
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') config.maxOutputTokens = maxTokens;
  const stop = body.stop;
  if (typeof stop === 'string') config.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) config.stopSequences = stop;
  Object.assign(config, responseFormat(body.response_format, dropped));
  return config;
}

function responseFormat(format: unknown, dropped: Set<string>): Record<string, unknown> {
  if (!isRecord(format)) return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  const jsonSchema = format.json_schema;
  if (format.type === 'json_schema' && isRecord(jsonSchema)) {
    return { responseMimeType: 'application/json', responseSchema: toGeminiSchema(jsonSchema.schema, dropped) };
  }
  return {};
}
