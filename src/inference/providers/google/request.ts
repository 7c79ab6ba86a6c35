/** Gemini generateContent / streamGenerateContent request (ai.google.dev/api/generate-content). */
import { boundedWarnings, type FieldPolicy, fieldWarnings } from '../field-policy.js';
import type { ChatRequest, UpstreamHttpRequest, UpstreamTarget } from '../types.js';
import { joinUrl } from '../url.js';
import { convertContents } from './contents.js';
import { buildGenerationConfig } from './generation-config.js';
import { convertToolConfig, convertTools } from './tools.js';

export const googleFieldPolicy: FieldPolicy = {
  model: 'mapped',
  messages: 'mapped',
  stream: 'mapped',
  stream_options: 'mapped', // Gemini always reports usageMetadata in the stream
  max_tokens: 'mapped',
  max_completion_tokens: 'mapped',
  temperature: 'mapped',
  top_p: 'mapped',
  n: 'mapped',
  stop: 'mapped',
  tools: 'mapped',
  tool_choice: 'mapped',
  parallel_tool_calls: 'ignored',
  response_format: 'mapped',
  seed: 'mapped',
  logprobs: 'ignored',
  top_logprobs: 'ignored',
  presence_penalty: 'mapped',
  frequency_penalty: 'mapped',
  logit_bias: 'ignored',
  user: 'ignored',
  metadata: 'ignored',
  store: 'ignored',
  service_tier: 'ignored',
  reasoning_effort: 'ignored',
  modalities: 'ignored',
  audio: 'ignored',
  prediction: 'ignored',
  web_search_options: 'ignored',
  functions: 'ignored',
  function_call: 'ignored',
  safety_identifier: 'ignored',
  prompt_cache_key: 'ignored',
  verbosity: 'ignored',
};

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
function modelPath(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

export function buildGoogleRequest(body: ChatRequest, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest {
  const converted = convertContents(body.messages);
  const dropped = new Set<string>();
  const payload: Record<string, unknown> = { contents: converted.contents };
  if (converted.systemInstruction !== undefined) payload.systemInstruction = converted.systemInstruction;
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    payload.tools = [{ functionDeclarations: convertTools(body.tools, dropped) }];
    const toolConfig = convertToolConfig(body.tool_choice);
    if (toolConfig !== undefined) payload.toolConfig = toolConfig;
  }
  const generationConfig = buildGenerationConfig(body, dropped);
  if (Object.keys(generationConfig).length > 0) payload.generationConfig = generationConfig;
  const action = stream ? ':streamGenerateContent?alt=sse' : ':generateContent';
  const warnings = [...fieldWarnings(body, googleFieldPolicy), ...converted.warnings];
  if (dropped.size > 0) warnings.push(`JSON Schema keywords not supported by this provider were dropped: ${[...dropped].join(', ')}`);
  return {
    url: joinUrl(target.baseUrl, `/models/${modelPath(target.upstreamModel)}${action}`),
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'x-goog-api-key': target.apiKey,
    },
    body: JSON.stringify(payload),
    warnings: boundedWarnings(warnings),
  };
}
