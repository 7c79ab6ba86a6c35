/**
 * Validates `input` (platform.openai.com/docs/api-reference/responses/create#responses-create-input): a string,
 * or items — messages (`type` may be left out, as the SDKs do) with input_text / input_image / output_text
 * parts, `function_call` and `function_call_output` items, and `reasoning` items a client echoes back. Each
 * failure is a 400 naming the field. Returns the items normalised (`type: "message"` set, a string input
 * one user message), which is also what a stored response keeps.
 */
import { errors } from '../../../http/errors.js';
import { isRecord } from '../../providers/json.js';
import { invalidType, isAbsent, missing, optionalString, requireOneOf, requireString } from '../checks.js';
import type { ContentPart, InputItem } from './wire.js';

const ROLES = ['user', 'assistant', 'system', 'developer'] as const;
const ITEM_TYPES = ['message', 'function_call', 'function_call_output', 'reasoning'];
const IMAGE_DETAILS = ['auto', 'low', 'high'];
/** Part types each role may send, as OpenAI documents them. */
const PART_TYPES: Readonly<Record<(typeof ROLES)[number], readonly string[]>> = {
  user: ['input_text', 'input_image'],
  system: ['input_text'],
  developer: ['input_text'],
  // An assistant turn echoed back from an earlier answer may hold a refusal.
  assistant: ['output_text', 'refusal'],
};

export function checkInput(input: unknown): InputItem[] {
  if (input === undefined) throw missing('input');
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array of input items', input);
  if (input.length === 0) throw errors.validation('input', "Invalid 'input': empty array. Expected at least one item.");
  return input.map((item, i) => checkItem(item, `input[${i}]`));
}

function checkItem(item: unknown, path: string): InputItem {
  if (!isRecord(item)) throw invalidType(path, 'an object', item);
  const type = item.type ?? 'message';
  if (typeof type !== 'string' || !ITEM_TYPES.includes(type)) {
    const shown = typeof type === 'string' ? `'${type.slice(0, 64)}'` : 'a non-string';
    throw errors.unsupported(
      `${path}.type`,
      `Input items of type ${shown} are not supported: use message, function_call or function_call_output items.`,
    );
  }
  optionalString(item.id, `${path}.id`);
  switch (type) {
    case 'message':
      return checkMessage(item, path);
    case 'function_call':
      requireString(item.call_id, `${path}.call_id`);
      requireString(item.name, `${path}.name`);
      requireString(item.arguments, `${path}.arguments`);
      return { ...item, type } as InputItem;
    case 'function_call_output':
      requireString(item.call_id, `${path}.call_id`);
      if (typeof item.output !== 'string') checkParts(item.output, `${path}.output`, PART_TYPES.user);
      return { ...item, type } as InputItem;
    default:
      return { ...item, type: 'reasoning' };
  }
}

function checkMessage(item: Record<string, unknown>, path: string): InputItem {
  requireOneOf(item.role, `${path}.role`, ROLES);
  const role = item.role as (typeof ROLES)[number];
  if (isAbsent(item.content)) throw missing(`${path}.content`);
  if (typeof item.content !== 'string') checkParts(item.content, `${path}.content`, PART_TYPES[role]);
  return { ...item, type: 'message' } as InputItem;
}

function checkParts(parts: unknown, path: string, allowed: readonly string[]): void {
  if (isAbsent(parts)) throw missing(path);
  if (!Array.isArray(parts)) throw invalidType(path, 'a string or an array of content parts', parts);
  for (let i = 0; i < parts.length; i++) checkPart(parts[i], `${path}[${i}]`, allowed);
}

function checkPart(part: unknown, path: string, allowed: readonly string[]): asserts part is ContentPart {
  if (!isRecord(part)) throw invalidType(path, 'an object', part);
  requireOneOf(part.type, `${path}.type`, allowed);
  if (part.type === 'refusal') {
    requireString(part.refusal, `${path}.refusal`);
    return;
  }
  if (part.type !== 'input_image') {
    requireString(part.text, `${path}.text`);
    return;
  }
  if (isAbsent(part.image_url)) {
    if (!isAbsent(part.file_id)) {
      throw errors.unsupported(
        `${path}.file_id`,
        'Images by file_id are not supported: send the image as a URL or a data URL in image_url.',
      );
    }
    throw missing(`${path}.image_url`);
  }
  requireString(part.image_url, `${path}.image_url`);
  if (!isAbsent(part.detail)) requireOneOf(part.detail, `${path}.detail`, IMAGE_DETAILS);
}
