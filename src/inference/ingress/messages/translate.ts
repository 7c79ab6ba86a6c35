/**
 * A validated Messages body → the internal (Chat Completions) request every provider adapter reads.
 * tool_use blocks become an assistant turn's `tool_calls`, tool_result blocks become `tool` turns (placed
 * first, right after the assistant turn that called them, as OpenAI requires), images become `image_url`
 * parts with data URLs. What Chat Completions cannot carry (top_k, thinking, cache_control, thinking
 * blocks, unknown fields) is dropped with one warning each: the native call to Anthropic still keeps them.
 */
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool } from '../../providers/types.js';
import {
  type ContentBlock,
  type ImageBlock,
  type InputMessage,
  KNOWN_FIELDS,
  type MessagesBody,
  type TextBlock,
  type ToolChoice,
  type ToolResultBlock,
} from './request.js';

export type Translated = { chat: ChatRequest; warnings: string[] };

/** Collects each kind of warning once. */
class Warnings {
  private readonly seen = new Set<string>();
  add(warning: string): void {
    this.seen.add(warning);
  }
  list(): string[] {
    return [...this.seen];
  }
}

const CACHE_CONTROL_WARNING = 'cache_control markers were dropped: this provider has no prompt-cache markers';
const THINKING_BLOCK_WARNING = 'thinking blocks in earlier assistant turns were dropped: this provider cannot read them';

export function toChatRequest(body: MessagesBody): Translated {
  const warnings = new Warnings();
  const messages: ChatMessage[] = [];
  const system = systemMessage(body.system, warnings);
  if (system !== null) messages.push(system);
  for (const message of body.messages) messages.push(...convertMessage(message, warnings));

  const chat: ChatRequest = { model: body.model, messages };
  if (body.max_tokens !== undefined) chat.max_tokens = body.max_tokens;
  if (body.stream === true) chat.stream = true;
  if (typeof body.temperature === 'number') chat.temperature = body.temperature;
  if (typeof body.top_p === 'number') chat.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) chat.stop = [...body.stop_sequences];
  if (typeof body.metadata?.user_id === 'string') chat.user = body.metadata.user_id;
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    chat.tools = body.tools.map((tool): ChatTool => {
      if (tool.cache_control != null) warnings.add(CACHE_CONTROL_WARNING);
      const fn: ChatTool['function'] = { name: tool.name, parameters: tool.input_schema };
      if (typeof tool.description === 'string') fn.description = tool.description;
      return { type: 'function', function: fn };
    });
  }
  // Chat Completions refuses a tool_choice without tools; Anthropic ignores it.
  if (body.tool_choice != null && chat.tools !== undefined) Object.assign(chat, toolChoice(body.tool_choice));

  if (typeof body.top_k === 'number') warnings.add('top_k was dropped: this provider has no top-k sampling parameter');
  if (body.thinking != null && body.thinking.type !== 'disabled') {
    warnings.add('thinking was dropped: extended thinking is only available from Anthropic-kind providers');
  }
  for (const field of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(field)) warnings.add(`"${field.slice(0, 64)}" is not supported by this provider and was ignored`);
  }
  return { chat, warnings: warnings.list() };
}

function textPart(block: TextBlock, warnings: Warnings): ChatContentPart {
  if (block.cache_control != null) warnings.add(CACHE_CONTROL_WARNING);
  return { type: 'text', text: block.text };
}

function imagePart(block: ImageBlock, warnings: Warnings): ChatContentPart {
  if (block.cache_control != null) warnings.add(CACHE_CONTROL_WARNING);
  const url = block.source.type === 'url' ? block.source.url : `data:${block.source.media_type};base64,${block.source.data}`;
  return { type: 'image_url', image_url: { url } };
}

function systemMessage(system: MessagesBody['system'], warnings: Warnings): ChatMessage | null {
  if (system === undefined || system === null) return null;
  if (typeof system === 'string') return system === '' ? null : { role: 'system', content: system };
  if (system.length === 0) return null;
  return { role: 'system', content: system.map((block) => textPart(block, warnings)) };
}

function convertMessage(message: InputMessage, warnings: Warnings): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  return message.role === 'assistant' ? [assistantMessage(message.content, warnings)] : userMessages(message.content, warnings);
}

function assistantMessage(blocks: readonly ContentBlock[], warnings: Warnings): ChatMessage {
  let text = '';
  const toolCalls: NonNullable<ChatMessage['tool_calls']> = [];
  for (const block of blocks) {
    if (block.type !== 'thinking' && block.type !== 'redacted_thinking' && block.cache_control != null) {
      warnings.add(CACHE_CONTROL_WARNING);
    }
    switch (block.type) {
      case 'text':
        text += block.text;
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      case 'thinking':
      case 'redacted_thinking':
        warnings.add(THINKING_BLOCK_WARNING);
        break;
    }
  }
  const message: ChatMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** Tool results first (each its own `tool` turn), then the rest of the turn as one user message. */
function userMessages(blocks: readonly ContentBlock[], warnings: Warnings): ChatMessage[] {
  const out: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, warnings));
        break;
      case 'image':
        parts.push(imagePart(block, warnings));
        break;
      case 'document':
        parts.push({
          type: 'file',
          file: { file_data: `data:${block.source.media_type};base64,${block.source.data}`, filename: block.title ?? 'document.pdf' },
        });
        break;
      case 'tool_result':
        out.push(toolMessage(block, warnings));
        break;
    }
  }
  if (parts.length > 0) out.push({ role: 'user', content: parts });
  return out;
}

/** `is_error` has no Chat Completions field: the model is told in the result's text, so the meaning stays. */
function toolMessage(block: ToolResultBlock, warnings: Warnings): ChatMessage {
  if (block.cache_control != null) warnings.add(CACHE_CONTROL_WARNING);
  const prefix = block.is_error === true ? 'Error: ' : '';
  const content = block.content ?? '';
  if (typeof content === 'string') return { role: 'tool', tool_call_id: block.tool_use_id, content: prefix + content };
  const parts = content.map((part) => (part.type === 'text' ? textPart(part, warnings) : imagePart(part, warnings)));
  if (prefix !== '') parts.unshift({ type: 'text', text: prefix });
  return { role: 'tool', tool_call_id: block.tool_use_id, content: parts.length > 0 ? parts : '' };
}

function toolChoice(choice: ToolChoice): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  switch (choice.type) {
    case 'auto':
      out.tool_choice = 'auto';
      break;
    case 'any':
      out.tool_choice = 'required';
      break;
    case 'tool':
      out.tool_choice = { type: 'function', function: { name: choice.name } };
      break;
    case 'none':
      out.tool_choice = 'none';
      break;
  }
  if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  return out;
}
