/**
 * Validates an OpenAI Chat Completions body at the edge. Hand-written rather than a zod schema on the
 * route: it runs on every call, checks only what the gateway relies on, and keeps unknown fields for
 * pass-through providers (spec §5).
 */
import { errors } from '../http/errors.js';
import type { ChatRequest } from './providers/types.js';

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function positiveInt(body: Record<string, unknown>, field: string, max: number): void {
  const v = body[field];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw errors.validation(field, `"${field}" must be an integer from 1 to ${max}.`);
  }
}

export function parseChatRequest(raw: unknown): ChatRequest {
  if (raw === undefined) throw errors.invalidJson('The request body is empty: send a JSON chat completion request.');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw errors.invalidJson('The request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model.length === 0) throw errors.validation('model', 'You must provide a model parameter.');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw errors.validation('messages', '"messages" must be a non-empty array.');
  }
  body.messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || !roles.has((m as { role?: unknown }).role as string)) {
      throw errors.validation(`messages[${i}].role`, `messages[${i}] must be an object with a role of ${[...roles].join(', ')}.`);
    }
    const content = (m as { content?: unknown }).content;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      throw errors.validation(`messages[${i}].content`, `messages[${i}].content must be a string or an array of content parts.`);
    }
  });
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw errors.validation('stream', '"stream" must be a boolean.');
  }
  positiveInt(body, 'max_tokens', 10_000_000);
  positiveInt(body, 'max_completion_tokens', 10_000_000);
  positiveInt(body, 'n', 128);
  if (body.tools !== undefined && body.tools !== null && !Array.isArray(body.tools))
    throw errors.validation('tools', '"tools" must be an array.');
  for (const f of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'] as const) {
    const v = body[f];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
      throw errors.validation(f, `"${f}" must be a number.`);
  }
  return body as ChatRequest;
}

/** Whether the client asked for the usage chunk in a stream. */
export function clientWantsUsage(body: ChatRequest): boolean {
  return body.stream_options?.include_usage === true;
}
