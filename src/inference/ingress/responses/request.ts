/**
 * Validates a `POST /v1/responses` body at the edge (spec §5a, platform.openai.com/docs/api-reference/responses/create),
 * before admission: every field the translation or the native call reads is checked, each failure a 400
 * naming the field, and every value bounded in depth and size. Fields that would change the request's
 * meaning on a provider that cannot honour them (background runs, server-side conversations, prompt
 * templates) are refused; unknown fields are kept for the native call and become warnings when translated.
 */
import { errors } from '../../../http/errors.js';
import { isRecord } from '../../providers/json.js';
import {
  checkBodyBounds,
  checkOpenAiMetadata,
  invalidType,
  isAbsent,
  missing,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireObject,
} from '../checks.js';
import { checkInput } from './input.js';
import { checkText, checkTools } from './tools.js';
import type { ResponsesBody } from './wire.js';

/** Upper bound on output tokens: far above any model, low enough for exact integer money arithmetic. */
const MAX_OUTPUT_TOKENS = 10_000_000;
/** OpenAI's own minimum for `max_output_tokens`. */
const MIN_OUTPUT_TOKENS = 16;
/** OpenAI's response ids: `resp_` and letters and digits. */
const RESPONSE_ID = /^resp_[A-Za-z0-9]{1,128}$/;

/** Fields with no meaning outside OpenAI's own servers: refused, since no other provider could honour them. */
const REFUSED: Readonly<Record<string, string>> = {
  background: 'Background responses are not supported by this gateway: send the request without "background".',
  conversation: 'Server-side conversations are not supported: continue with previous_response_id, or send the earlier items in input.',
  prompt: 'Prompt templates are not supported: send the instructions and input themselves.',
};

export function parseResponsesBody(raw: unknown): ResponsesBody {
  if (raw === undefined) throw errors.invalidJson('The request body is empty: send a JSON responses request.');
  if (!isRecord(raw)) throw errors.invalidJson('The request body must be a JSON object.');
  checkBodyBounds(raw, 'input', ['instructions']);
  if (raw.model === undefined) throw missing('model');
  if (typeof raw.model !== 'string' || raw.model.length === 0) throw errors.validation('model', 'You must provide a model parameter.');
  const input = checkInput(raw.input);
  for (const [field, message] of Object.entries(REFUSED)) {
    if (!isAbsent(raw[field]) && raw[field] !== false) throw errors.unsupported(field, message);
  }
  optionalString(raw.instructions, 'instructions');
  checkTools(raw);
  checkText(raw.text);
  optionalNumber(raw.max_output_tokens, 'max_output_tokens', MIN_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS, true);
  optionalNumber(raw.temperature, 'temperature', 0, 2, false);
  optionalNumber(raw.top_p, 'top_p', 0, 1, false);
  optionalNumber(raw.top_logprobs, 'top_logprobs', 0, 20, true);
  for (const field of ['parallel_tool_calls', 'stream', 'store']) optionalBoolean(raw[field], field);
  for (const field of ['user', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'truncation']) optionalString(raw[field], field);
  checkPreviousResponseId(raw.previous_response_id);
  checkOpenAiMetadata(raw.metadata);
  checkReasoning(raw.reasoning);
  if (!isAbsent(raw.include) && !(Array.isArray(raw.include) && raw.include.every((v) => typeof v === 'string'))) {
    throw invalidType('include', 'an array of strings', raw.include);
  }
  return { ...raw, input } as ResponsesBody;
}

function checkPreviousResponseId(value: unknown): void {
  if (isAbsent(value)) return;
  if (typeof value !== 'string') throw invalidType('previous_response_id', 'a string', value);
  if (!RESPONSE_ID.test(value)) {
    throw errors.validation('previous_response_id', "Invalid 'previous_response_id': expected an id that begins with 'resp_'.");
  }
}

function checkReasoning(value: unknown): void {
  if (isAbsent(value)) return;
  const reasoning = requireObject(value, 'reasoning');
  optionalString(reasoning.effort, 'reasoning.effort');
  optionalString(reasoning.summary, 'reasoning.summary');
}

/** Whether the answer is to be kept for `previous_response_id` and GET (OpenAI's default is true). */
export function wantsStore(body: ResponsesBody): boolean {
  return body.store !== false;
}
