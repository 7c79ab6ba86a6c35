/**
 * Validates an Anthropic Messages body at the edge (docs.anthropic.com/en/api/messages, spec §5b), before
 * admission: every field the translation or the native adapter reads is checked, each failure a 400 naming
 * the field. What is accepted is what every provider kind can be given: a block or tool that only
 * Anthropic understands (documents other than base64 PDFs, server tools) is refused rather than dropped
 * for translated providers (§5c), since parsing happens before routing picks the provider. Unknown
 * top-level fields are kept for the native call and listed as warnings for translated ones.
 */
import { errors } from '../../../http/errors.js';
import { isRecord } from '../../providers/json.js';
import {
  checkBodyBounds,
  invalidType,
  isAbsent,
  missing,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireObject,
  requireOneOf,
  requireString,
} from '../checks.js';

/** Upper bound on output tokens: far above any model, low enough for exact integer money arithmetic. */
const MAX_OUTPUT_TOKENS = 10_000_000;
/** OpenAI honours at most 4 stop sequences; more would be cut for a translated provider. */
const MAX_STOP_SEQUENCES = 4;
const MAX_TOOLS = 128;
/** Anthropic's tool name characters, at the length every provider accepts (OpenAI and Gemini stop at 64). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Anthropic's own minimum thinking budget. */
const MIN_THINKING_BUDGET = 1024;
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

export type TextBlock = { type: 'text'; text: string; cache_control?: unknown; [f: string]: unknown };
export type ImageBlock = {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  cache_control?: unknown;
};
export type DocumentBlock = {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string };
  title?: string;
  cache_control?: unknown;
};
export type ToolUseBlock = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; cache_control?: unknown };
export type ToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock>;
  is_error?: boolean;
  cache_control?: unknown;
};
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string };
export type ContentBlock = TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock;
export type InputMessage = { role: 'user' | 'assistant'; content: string | ContentBlock[] };
export type Tool = { name: string; description?: string; input_schema: Record<string, unknown>; cache_control?: unknown };
export type ToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** A validated Messages or count_tokens body. Unknown fields are kept (the native call forwards them). */
export type MessagesBody = {
  model: string;
  max_tokens?: number;
  messages: InputMessage[];
  system?: string | TextBlock[];
  tools?: Tool[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  metadata?: { user_id?: string | null };
  stream?: boolean;
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' | 'adaptive' };
  [field: string]: unknown;
};

export type MessagesRequest = MessagesBody & { max_tokens: number };

/** The fields §5b documents; anything else is kept for the native call only. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'metadata',
  'stream',
  'thinking',
]);

/** `POST /v1/messages`. */
export function parseMessagesBody(raw: unknown): MessagesRequest {
  const body = checkCommon(raw, 'message');
  if (body.max_tokens === undefined || body.max_tokens === null) throw missing('max_tokens');
  optionalNumber(body.max_tokens, 'max_tokens', 1, MAX_OUTPUT_TOKENS, true);
  checkStopSequences(body.stop_sequences);
  optionalNumber(body.temperature, 'temperature', 0, 1, false);
  optionalNumber(body.top_p, 'top_p', 0, 1, false);
  optionalNumber(body.top_k, 'top_k', 0, MAX_OUTPUT_TOKENS, true);
  optionalBoolean(body.stream, 'stream');
  checkMetadata(body.metadata);
  checkThinking(body.thinking, body.max_tokens as number);
  return body as MessagesRequest;
}

/** `POST /v1/messages/count_tokens`: `{ model, messages, system?, tools?, tool_choice?, thinking? }`. */
export function parseCountTokensBody(raw: unknown): MessagesBody {
  const body = checkCommon(raw, 'count_tokens');
  if (!isAbsent(body.thinking)) requireObject(body.thinking, 'thinking');
  return body as MessagesBody;
}

function checkCommon(raw: unknown, what: string): Record<string, unknown> {
  if (raw === undefined) throw errors.invalidJson(`The request body is empty: send a JSON ${what} request.`);
  if (!isRecord(raw)) throw errors.invalidJson('The request body must be a JSON object.');
  checkBodyBounds(raw, 'messages', ['system']);
  if (raw.model === undefined) throw missing('model');
  if (typeof raw.model !== 'string' || raw.model.length === 0) throw errors.validation('model', 'You must provide a model parameter.');
  checkSystem(raw.system);
  checkMessages(raw.messages);
  checkTools(raw.tools);
  checkToolChoice(raw.tool_choice);
  return raw;
}

function checkSystem(system: unknown): void {
  if (isAbsent(system) || typeof system === 'string') return;
  if (!Array.isArray(system)) throw invalidType('system', 'a string or an array of text blocks', system);
  for (let i = 0; i < system.length; i++) {
    const block = requireObject(system[i], `system[${i}]`);
    requireOneOf(block.type, `system[${i}].type`, ['text']);
    requireString(block.text, `system[${i}].text`);
    if (!isAbsent(block.cache_control)) checkCacheControl(block.cache_control, `system[${i}].cache_control`);
  }
}

function checkMessages(messages: unknown): void {
  if (messages === undefined) throw missing('messages');
  if (!Array.isArray(messages)) throw invalidType('messages', 'an array', messages);
  if (messages.length === 0) throw errors.validation('messages', "Invalid 'messages': empty array. Expected at least one message.");
  for (let i = 0; i < messages.length; i++) {
    const path = `messages[${i}]`;
    const message = requireObject(messages[i], path);
    requireOneOf(message.role, `${path}.role`, ['user', 'assistant']);
    const content = message.content;
    if (content === undefined) throw missing(`${path}.content`);
    if (typeof content === 'string') continue;
    if (!Array.isArray(content)) throw invalidType(`${path}.content`, 'a string or an array of content blocks', content);
    // As Anthropic: a turn says something (an empty one would vanish in translation).
    if (content.length === 0) throw errors.validation(`${path}.content`, `Invalid '${path}.content': expected at least one content block.`);
    const allowed = message.role === 'user' ? USER_BLOCKS : ASSISTANT_BLOCKS;
    for (let j = 0; j < content.length; j++) checkBlock(content[j], `${path}.content[${j}]`, allowed);
  }
}

const USER_BLOCKS = ['text', 'image', 'document', 'tool_result'] as const;
const ASSISTANT_BLOCKS = ['text', 'tool_use', 'thinking', 'redacted_thinking'] as const;

function checkBlock(value: unknown, path: string, allowed: readonly string[]): void {
  const block = requireObject(value, path);
  requireOneOf(block.type, `${path}.type`, allowed);
  if (!isAbsent(block.cache_control)) checkCacheControl(block.cache_control, `${path}.cache_control`);
  switch (block.type) {
    case 'text':
      requireString(block.text, `${path}.text`);
      break;
    case 'image':
      checkImageSource(block.source, `${path}.source`);
      break;
    case 'document': {
      const source = requireObject(block.source, `${path}.source`);
      requireOneOf(source.type, `${path}.source.type`, ['base64']);
      requireOneOf(source.media_type, `${path}.source.media_type`, ['application/pdf']);
      requireString(source.data, `${path}.source.data`);
      optionalString(block.title, `${path}.title`);
      break;
    }
    case 'tool_use':
      requireString(block.id, `${path}.id`);
      requireString(block.name, `${path}.name`);
      requireObject(block.input, `${path}.input`);
      break;
    case 'tool_result':
      checkToolResult(block, path);
      break;
    case 'thinking':
      requireString(block.thinking, `${path}.thinking`);
      optionalString(block.signature, `${path}.signature`);
      break;
    case 'redacted_thinking':
      requireString(block.data, `${path}.data`);
      break;
  }
}

function checkImageSource(value: unknown, path: string): void {
  const source = requireObject(value, path);
  requireOneOf(source.type, `${path}.type`, ['base64', 'url']);
  if (source.type === 'url') {
    requireString(source.url, `${path}.url`);
    return;
  }
  requireOneOf(source.media_type, `${path}.media_type`, IMAGE_MEDIA_TYPES);
  requireString(source.data, `${path}.data`);
}

function checkToolResult(block: Record<string, unknown>, path: string): void {
  requireString(block.tool_use_id, `${path}.tool_use_id`);
  optionalBoolean(block.is_error, `${path}.is_error`);
  const content = block.content;
  if (isAbsent(content) || typeof content === 'string') return;
  if (!Array.isArray(content)) throw invalidType(`${path}.content`, 'a string or an array of text and image blocks', content);
  for (let i = 0; i < content.length; i++) checkBlock(content[i], `${path}.content[${i}]`, ['text', 'image']);
}

function checkCacheControl(value: unknown, path: string): void {
  const control = requireObject(value, path);
  requireOneOf(control.type, `${path}.type`, ['ephemeral']);
  if (!isAbsent(control.ttl)) requireOneOf(control.ttl, `${path}.ttl`, ['5m', '1h']);
}

function checkTools(tools: unknown): void {
  if (isAbsent(tools)) return;
  if (!Array.isArray(tools)) throw invalidType('tools', 'an array', tools);
  if (tools.length > MAX_TOOLS) {
    throw errors.validation('tools', `Invalid 'tools': array too long. Expected at most ${MAX_TOOLS} entries, but got ${tools.length}.`);
  }
  for (let i = 0; i < tools.length; i++) {
    const path = `tools[${i}]`;
    const tool = requireObject(tools[i], path);
    // Server tools (web search, code execution, computer use…) run at Anthropic: no other provider has them.
    if (!isAbsent(tool.type) && tool.type !== 'custom') {
      throw errors.unsupported(
        `${path}.type`,
        `Tool type '${String(tool.type).slice(0, 64)}' is not supported: only client tools ({ name, description?, input_schema }) can be routed to every provider.`,
      );
    }
    requireString(tool.name, `${path}.name`);
    if (!TOOL_NAME.test(tool.name as string)) {
      throw errors.validation(`${path}.name`, `Invalid '${path}.name': use 1 to 64 letters, digits, underscores or dashes.`);
    }
    optionalString(tool.description, `${path}.description`);
    requireObject(tool.input_schema, `${path}.input_schema`);
    if (!isAbsent(tool.cache_control)) checkCacheControl(tool.cache_control, `${path}.cache_control`);
  }
}

function checkToolChoice(value: unknown): void {
  if (isAbsent(value)) return;
  const choice = requireObject(value, 'tool_choice');
  requireOneOf(choice.type, 'tool_choice.type', ['auto', 'any', 'tool', 'none']);
  if (choice.type === 'tool') requireString(choice.name, 'tool_choice.name');
  optionalBoolean(choice.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use');
}

function checkStopSequences(value: unknown): void {
  if (isAbsent(value)) return;
  if (!Array.isArray(value)) throw invalidType('stop_sequences', 'an array of strings', value);
  if (value.length > MAX_STOP_SEQUENCES) {
    throw errors.validation(
      'stop_sequences',
      `Invalid 'stop_sequences': at most ${MAX_STOP_SEQUENCES} stop sequences (what every provider honours), but got ${value.length}.`,
    );
  }
  value.forEach((s, i) => {
    if (typeof s !== 'string' || s === '') throw invalidType(`stop_sequences[${i}]`, 'a non-empty string', s);
  });
}

function checkMetadata(value: unknown): void {
  if (isAbsent(value)) return;
  const metadata = requireObject(value, 'metadata');
  for (const key of Object.keys(metadata)) {
    if (key !== 'user_id') {
      throw errors.validation(`metadata.${key.slice(0, 64)}`, `Invalid 'metadata': the only supported key is 'user_id'.`);
    }
  }
  optionalString(metadata.user_id, 'metadata.user_id');
  if (typeof metadata.user_id === 'string' && metadata.user_id.length > 256) {
    throw errors.validation('metadata.user_id', "Invalid 'metadata.user_id': at most 256 characters.");
  }
}

function checkThinking(value: unknown, maxTokens: number): void {
  if (isAbsent(value)) return;
  const thinking = requireObject(value, 'thinking');
  requireOneOf(thinking.type, 'thinking.type', ['enabled', 'disabled', 'adaptive']);
  if (thinking.type !== 'enabled') return;
  if (thinking.budget_tokens === undefined) throw missing('thinking.budget_tokens');
  optionalNumber(thinking.budget_tokens, 'thinking.budget_tokens', MIN_THINKING_BUDGET, MAX_OUTPUT_TOKENS, true);
  if ((thinking.budget_tokens as number) >= maxTokens) {
    throw errors.validation('thinking.budget_tokens', "Invalid 'thinking.budget_tokens': it must be less than 'max_tokens'.");
  }
}
