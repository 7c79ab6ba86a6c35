/** Anthropic Messages request (docs.anthropic.com/en/api/messages): URL, headers and body. */
import { boundedWarnings, type FieldPolicy, fieldWarnings } from '../field-policy.js';
import type { ChatRequest, UpstreamHttpRequest, UpstreamTarget } from '../types.js';
import { joinUrl } from '../url.js';
import { convertMessages } from './messages.js';
import { convertToolChoice, convertTools } from './tools.js';

export const ANTHROPIC_VERSION = '2023-06-01';

/** What happens to each OpenAI field. `n` is mapped in the sense that 1 is all Anthropic does: the edge rejects n > 1. */
export const anthropicFieldPolicy: FieldPolicy = {
  model: 'mapped',
  messages: 'mapped',
  stream: 'mapped',
  stream_options: 'mapped', // Anthropic always reports usage in the stream
  max_tokens: 'mapped',
  max_completion_tokens: 'mapped',
  temperature: 'mapped',
  top_p: 'mapped',
  n: 'mapped',
  stop: 'mapped',
  tools: 'mapped',
  tool_choice: 'mapped',
  parallel_tool_calls: 'mapped',
  response_format: 'ignored',
  seed: 'ignored',
  logprobs: 'ignored',
  top_logprobs: 'ignored',
  presence_penalty: 'ignored',
  frequency_penalty: 'ignored',
  logit_bias: 'ignored',
  user: 'mapped',
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

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((s): s is string => typeof s === 'string');
  return undefined;
}

export function buildAnthropicRequest(body: ChatRequest, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest {
  const converted = convertMessages(body.messages);
  const payload: Record<string, unknown> = {
    model: target.upstreamModel,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? target.maxOutputTokens,
    messages: converted.messages,
  };
  if (converted.system.length > 0) payload.system = converted.system;
  if (typeof body.temperature === 'number') payload.temperature = body.temperature;
  if (typeof body.top_p === 'number') payload.top_p = body.top_p;
  const stop = stopSequences(body.stop);
  if (stop !== undefined && stop.length > 0) payload.stop_sequences = stop;
  if (typeof body.user === 'string') payload.metadata = { user_id: body.user };
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    payload.tools = convertTools(body.tools);
    const choice = convertToolChoice(body.tool_choice, body.parallel_tool_calls);
    if (choice !== undefined) payload.tool_choice = choice;
  }
  if (stream) payload.stream = true;
  return {
    url: joinUrl(target.baseUrl, '/messages'),
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'x-api-key': target.apiKey,
      'anthropic-version': ANTHROPIC_VERSION,
    },
    body: JSON.stringify(payload),
    warnings: boundedWarnings([...fieldWarnings(body, anthropicFieldPolicy), ...converted.warnings]),
  };
}
