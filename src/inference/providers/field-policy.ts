/**
 * What a translating adapter does with each documented OpenAI Chat Completions request field (style
 * rule 8: no silent drops). Each adapter declares a `FieldPolicy`; the compiler makes it list every field.
 */

/** Every documented Chat Completions request field (platform.openai.com/docs/api-reference/chat/create). */
export const CHAT_FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'seed',
  'logprobs',
  'top_logprobs',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'user',
  'metadata',
  'store',
  'service_tier',
  'reasoning_effort',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'functions',
  'function_call',
  'safety_identifier',
  'prompt_cache_key',
  'verbosity',
] as const;

export type ChatField = (typeof CHAT_FIELDS)[number];

/** `mapped`: translated to the provider's equivalent; `ignored`: the provider has none, left out with a warning. */
export type FieldHandling = 'mapped' | 'ignored';

export type FieldPolicy = Readonly<Record<ChatField, FieldHandling>>;

/** One warning per field present in `body` that the policy ignores, or that is not a documented field. */
export function fieldWarnings(body: Readonly<Record<string, unknown>>, policy: FieldPolicy): string[] {
  const warnings: string[] = [];
  for (const key of Object.keys(body)) {
    if (body[key] === undefined || body[key] === null) continue;
    if (!Object.hasOwn(policy, key)) warnings.push(`unknown field "${key}" is not sent to this provider`);
    else if (policy[key as ChatField] === 'ignored') warnings.push(`"${key}" is not supported by this provider and was ignored`);
  }
  return warnings;
}

/** A body may repeat one oddity thousands of times (unknown keys, unsupported parts): warnings stay short. */
const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 200;

/** Distinct warnings, each cut to MAX_WARNING_CHARS, at most MAX_WARNINGS of them plus a count of the rest. */
export function boundedWarnings(warnings: readonly string[]): string[] {
  const distinct = [...new Set(warnings)];
  const kept = distinct.slice(0, MAX_WARNINGS).map((w) => (w.length > MAX_WARNING_CHARS ? `${w.slice(0, MAX_WARNING_CHARS)}…` : w));
  if (distinct.length > MAX_WARNINGS) kept.push(`… and ${distinct.length - MAX_WARNINGS} more warnings`);
  return kept;
}
