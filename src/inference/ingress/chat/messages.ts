/**
 * Validates `messages` the way OpenAI does and the adapters read them
 * (platform.openai.com/docs/api-reference/chat/create#chat-create-messages): a known role, content of
 * the shape that role allows, content parts of a known type with their required fields, well-formed
 * `tool_calls` on assistant turns and a `tool_call_id` on tool turns.
 */
import { errors } from '../../../http/errors.js';
import { isRecord } from '../../providers/json.js';
import { invalidType, isAbsent, missing, optionalString, requireObject, requireOneOf, requireString } from '../checks.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
type Role = (typeof ROLES)[number];

/**
 * Content part types each role may send, as OpenAI documents them. Tool results may also carry images
 * (Anthropic takes them in `tool_result`; OpenAI answers its own 400).
 */
const PART_TYPES: Readonly<Record<Role, readonly string[]>> = {
  system: ['text'],
  developer: ['text'],
  user: ['text', 'image_url', 'input_audio', 'file'],
  assistant: ['text', 'refusal'],
  tool: ['text', 'image_url'],
  function: [],
};

const IMAGE_DETAILS = ['auto', 'low', 'high'];

export function checkMessages(messages: unknown): void {
  if (messages === undefined) throw missing('messages');
  if (!Array.isArray(messages)) throw invalidType('messages', 'an array', messages);
  if (messages.length === 0) throw errors.validation('messages', "Invalid 'messages': empty array. Expected at least one message.");
  for (let i = 0; i < messages.length; i++) checkMessage(messages[i], `messages[${i}]`);
}

function checkMessage(message: unknown, path: string): void {
  if (!isRecord(message)) throw invalidType(path, 'an object', message);
  requireOneOf(message.role, `${path}.role`, ROLES);
  const role = message.role as Role;
  optionalString(message.name, `${path}.name`);
  if (role !== 'assistant' && !isAbsent(message.tool_calls)) {
    throw errors.validation(`${path}.tool_calls`, `Invalid '${path}.tool_calls': only assistant messages may carry tool calls.`);
  }
  switch (role) {
    case 'assistant':
      if (!isAbsent(message.content)) checkContent(message.content, `${path}.content`, role);
      checkToolCalls(message.tool_calls, `${path}.tool_calls`);
      optionalString(message.refusal, `${path}.refusal`);
      break;
    case 'tool':
      checkContent(message.content, `${path}.content`, role);
      requireString(message.tool_call_id, `${path}.tool_call_id`);
      break;
    case 'function':
      requireString(message.name, `${path}.name`);
      if (!isAbsent(message.content) && typeof message.content !== 'string') {
        throw invalidType(`${path}.content`, 'a string', message.content);
      }
      break;
    default:
      checkContent(message.content, `${path}.content`, role);
  }
}

function checkContent(content: unknown, path: string, role: Role): void {
  if (isAbsent(content)) throw missing(path);
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) throw invalidType(path, 'a string or an array of content parts', content);
  for (let i = 0; i < content.length; i++) checkPart(content[i], `${path}[${i}]`, role);
}

function checkPart(part: unknown, path: string, role: Role): void {
  if (!isRecord(part)) throw invalidType(path, 'an object', part);
  requireOneOf(part.type, `${path}.type`, PART_TYPES[role]);
  switch (part.type) {
    case 'text':
    case 'refusal':
      requireString(part[part.type], `${path}.${part.type}`);
      break;
    case 'image_url': {
      const image = requireObject(part.image_url, `${path}.image_url`);
      requireString(image.url, `${path}.image_url.url`);
      if (!isAbsent(image.detail)) requireOneOf(image.detail, `${path}.image_url.detail`, IMAGE_DETAILS);
      break;
    }
    case 'input_audio': {
      const audio = requireObject(part.input_audio, `${path}.input_audio`);
      requireString(audio.data, `${path}.input_audio.data`);
      requireString(audio.format, `${path}.input_audio.format`);
      break;
    }
    case 'file': {
      const file = requireObject(part.file, `${path}.file`);
      for (const field of ['file_data', 'file_id', 'filename']) optionalString(file[field], `${path}.file.${field}`);
      if (isAbsent(file.file_data) && isAbsent(file.file_id)) throw missing(`${path}.file.file_data`);
      break;
    }
  }
}

function checkToolCalls(calls: unknown, path: string): void {
  if (isAbsent(calls)) return;
  if (!Array.isArray(calls)) throw invalidType(path, 'an array', calls);
  for (let i = 0; i < calls.length; i++) {
    const callPath = `${path}[${i}]`;
    const call = requireObject(calls[i], callPath);
    requireString(call.id, `${callPath}.id`);
    requireOneOf(call.type, `${callPath}.type`, ['function']);
    const fn = requireObject(call.function, `${callPath}.function`);
    requireString(fn.name, `${callPath}.function.name`);
    requireString(fn.arguments, `${callPath}.function.arguments`);
  }
}
