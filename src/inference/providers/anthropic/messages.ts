/**
 * OpenAI `messages` → Anthropic `system` + `messages` (docs.anthropic.com/en/api/messages):
 * system/developer turns become `system`; assistant `tool_calls` become `tool_use` blocks; `tool`
 * turns become `tool_result` blocks in a user turn. Consecutive turns of one role are merged, which is
 * how parallel tool results end up in one user message.
 */
import { parseDataUrl } from '../data-url.js';
import { isRecord } from '../json.js';
import { parseToolArguments } from '../json-bounds.js';
import { contentText } from '../message-text.js';
import type { ChatContentPart, ChatMessage } from '../types.js';
import type { AnthropicBlock, AnthropicImageBlock, AnthropicMessage, AnthropicTextBlock } from './wire.js';

export type ConvertedMessages = { system: AnthropicTextBlock[]; messages: AnthropicMessage[]; warnings: string[] };

export function convertMessages(input: readonly ChatMessage[]): ConvertedMessages {
  const out: ConvertedMessages = { system: [], messages: [], warnings: [] };
  for (const message of input) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') out.system.push({ type: 'text', text });
        break;
      }
      case 'user':
        append(out.messages, 'user', userBlocks(message.content, out.warnings));
        break;
      case 'assistant':
        append(out.messages, 'assistant', assistantBlocks(message));
        break;
      case 'tool':
        append(out.messages, 'user', [toolResultBlock(message)]);
        break;
      case 'function':
        out.warnings.push('legacy "function" messages are not supported by this provider and were ignored');
        break;
    }
  }
  return out;
}

function append(messages: AnthropicMessage[], role: AnthropicMessage['role'], blocks: AnthropicBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

/** `cache_control` on a part (an Anthropic extension some OpenAI clients send) is kept. */
function textBlock(text: string, cacheControl: unknown): AnthropicTextBlock {
  return cacheControl === undefined ? { type: 'text', text } : { type: 'text', text, cache_control: cacheControl };
}

function imageBlock(url: string): AnthropicImageBlock {
  const inline = parseDataUrl(url);
  if (inline !== null) return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.base64 } };
  return { type: 'image', source: { type: 'url', url } };
}

function userBlocks(content: ChatMessage['content'], warnings: string[]): AnthropicBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicBlock[] = [];
  for (const part of content) {
    const block = partBlock(part);
    if (block === null) warnings.push(`content part "${part.type}" is not supported by this provider and was ignored`);
    else if (block !== 'empty') blocks.push(block);
  }
  return blocks;
}

function partBlock(part: ChatContentPart): AnthropicBlock | 'empty' | null {
  const fields: Readonly<Record<string, unknown>> = part;
  const text = fields.text;
  if (part.type === 'text' && typeof text === 'string') return text === '' ? 'empty' : textBlock(text, fields.cache_control);
  const imageUrl = fields.image_url;
  if (part.type === 'image_url' && isRecord(imageUrl) && typeof imageUrl.url === 'string') return imageBlock(imageUrl.url);
  const file = fields.file;
  if (part.type === 'file' && isRecord(file) && typeof file.file_data === 'string') {
    const inline = parseDataUrl(file.file_data);
    if (inline?.mediaType === 'application/pdf') {
      return { type: 'document', source: { type: 'base64', media_type: inline.mediaType, data: inline.base64 } };
    }
  }
  return null;
}

function assistantBlocks(message: ChatMessage): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  const text = contentText(message.content);
  if (text !== '') blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) });
  }
  return blocks;
}

function toolResultBlock(message: ChatMessage): AnthropicBlock {
  const content = message.content;
  const toolUseId = message.tool_call_id ?? '';
  if (content === undefined || content === null || typeof content === 'string') {
    return { type: 'tool_result', tool_use_id: toolUseId, content: content ?? '' };
  }
  const parts: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  for (const part of content) {
    const block = partBlock(part);
    if (block !== null && block !== 'empty' && (block.type === 'text' || block.type === 'image')) parts.push(block);
  }
  return { type: 'tool_result', tool_use_id: toolUseId, content: parts };
}
