/**
 * Validates an OpenAI Chat Completions body at the edge, before admission (spec §5c): every field an
 * adapter reads is checked here, so a body this accepts never makes an adapter throw, and every value is
 * bounded in depth and size so nothing downstream (JSON.stringify of the upstream body or the log row,
 * schema conversion, token counting) can overflow. Hand-written rather than a zod schema: it runs on
 * every call. A valid body is returned as it came, unknown fields included (spec §5: they pass through
 * to OpenAI-kind providers). What OpenAI refuses is refused; see docs/decisions.md for the open cases.
 */
import { errors } from '../../../http/errors.js';
import { isRecord } from '../../providers/json.js';
import type { ChatRequest } from '../../providers/types.js';
import {
  checkBodyBounds,
  checkOpenAiMetadata,
  invalidType,
  isAbsent,
  missing,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requireObject,
} from '../checks.js';
import { checkMessages } from './messages.js';
import { checkResponseFormat, checkTools } from './tools.js';

/** OpenAI accepts up to 4 stop sequences. */
const MAX_STOP_SEQUENCES = 4;
/** Upper bound on output tokens: far above any model, low enough for exact integer money arithmetic. */
const MAX_OUTPUT_TOKENS = 10_000_000;
/** OpenAI's seed is an int64. */
const INT64 = 2 ** 63;

type NumberRule = readonly [min: number, max: number, integer: boolean];

/** Ranges as OpenAI documents them. */
const NUMBERS: ReadonlyArray<readonly [field: string, rule: NumberRule]> = Object.entries({
  temperature: [0, 2, false],
  top_p: [0, 1, false],
  presence_penalty: [-2, 2, false],
  frequency_penalty: [-2, 2, false],
  n: [1, 128, true],
  max_tokens: [1, MAX_OUTPUT_TOKENS, true],
  max_completion_tokens: [1, MAX_OUTPUT_TOKENS, true],
  top_logprobs: [0, 20, true],
  seed: [-INT64, INT64, true],
} satisfies Record<string, NumberRule>);

const BOOLEANS = ['stream', 'logprobs', 'parallel_tool_calls', 'store'] as const;
/** Enumerations OpenAI keeps extending (service tiers, effort levels) are passed on as any string. */
const STRINGS = ['user', 'service_tier', 'reasoning_effort', 'verbosity', 'safety_identifier', 'prompt_cache_key'] as const;
const OBJECTS = ['audio', 'prediction', 'web_search_options'] as const;

export function parseChatRequest(raw: unknown): ChatRequest {
  if (raw === undefined) throw errors.invalidJson('The request body is empty: send a JSON chat completion request.');
  if (!isRecord(raw)) throw errors.invalidJson('The request body must be a JSON object.');
  checkBodyBounds(raw, 'messages');
  if (raw.model === undefined) throw missing('model');
  if (typeof raw.model !== 'string' || raw.model.length === 0) throw errors.validation('model', 'You must provide a model parameter.');
  checkMessages(raw.messages);
  checkTools(raw);
  checkResponseFormat(raw.response_format);
  for (const [field, [min, max, integer]] of NUMBERS) optionalNumber(raw[field], field, min, max, integer);
  for (const field of BOOLEANS) optionalBoolean(raw[field], field);
  for (const field of STRINGS) optionalString(raw[field], field);
  for (const field of OBJECTS) optionalObject(raw[field], field);
  checkStop(raw.stop);
  checkStreamOptions(raw.stream_options);
  checkOpenAiMetadata(raw.metadata);
  checkLogitBias(raw.logit_bias);
  checkModalities(raw.modalities);
  return raw as ChatRequest;
}

/** Whether the client asked for the usage chunk in a stream. */
export function clientWantsUsage(body: ChatRequest): boolean {
  return body.stream_options?.include_usage === true;
}

function checkStop(stop: unknown): void {
  if (isAbsent(stop) || typeof stop === 'string') return;
  if (!Array.isArray(stop)) throw invalidType('stop', 'a string or an array of strings', stop);
  if (stop.length > MAX_STOP_SEQUENCES) {
    throw errors.validation('stop', `Invalid 'stop': at most ${MAX_STOP_SEQUENCES} stop sequences, but got ${stop.length}.`);
  }
  stop.forEach((s, i) => {
    if (typeof s !== 'string') throw invalidType(`stop[${i}]`, 'a string', s);
  });
}

function checkStreamOptions(value: unknown): void {
  if (isAbsent(value)) return;
  const options = requireObject(value, 'stream_options');
  optionalBoolean(options.include_usage, 'stream_options.include_usage');
  optionalBoolean(options.include_obfuscation, 'stream_options.include_obfuscation');
}

/** Token ids (as strings of digits) to biases from -100 to 100. */
function checkLogitBias(value: unknown): void {
  if (isAbsent(value)) return;
  const bias = requireObject(value, 'logit_bias');
  for (const [token, entry] of Object.entries(bias)) {
    if (!/^\d{1,10}$/.test(token)) throw errors.validation('logit_bias', `Invalid 'logit_bias': keys must be token ids.`);
    optionalNumber(entry, `logit_bias.${token}`, -100, 100, false);
  }
}

function checkModalities(value: unknown): void {
  if (isAbsent(value)) return;
  if (!Array.isArray(value)) throw invalidType('modalities', 'an array of strings', value);
  value.forEach((m, i) => {
    if (typeof m !== 'string') throw invalidType(`modalities[${i}]`, 'a string', m);
  });
}
