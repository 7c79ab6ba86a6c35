/**
 * OpenAI `messages` → Gemini `contents` + `systemInstruction` (ai.google.dev/gemini-api/docs/text-generation,
 * /function-calling): assistant → `model`, tool calls → `functionCall` parts, tool results →
 * `functionResponse` parts named after the earlier call with the same id. Consecutive turns of one role
 * are merged, so parallel tool results share one turn.
 */
import { mediaTypeFromUrl, parseDataUrl } from '../data-url.js';
import { isRecord } from '../json.js';
import { parseBoundedJson, parseToolArguments } from '../json-bounds.js';
import { contentText } from '../message-text.js';
import type { ChatContentPart, ChatMessage } from '../types.js';
import type { GeminiContent, GeminiPart } from './wire.js';

export type ConvertedContents = {
  contents: GeminiContent[];
  systemInstruction: { parts: Array<{ text: string }> } | undefined;
  warnings: string[];
};

export function convertContents(messages: readonly ChatMessage[]): ConvertedContents {
  const contents: GeminiContent[] = [];
  const system: Array<{ text: string }> = [];
  const warnings: string[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') system.push({ text });
        break;
      }
      case 'user':
        append(contents, 'user', userParts(message.content, warnings));
        break;
      case 'assistant':
        for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name);
        append(contents, 'model', modelParts(message));
        break;
      case 'tool':
        append(contents, 'user', [functionResponse(message, toolNames, warnings)]);
        break;
      case 'function':
        warnings.push('legacy "function" messages are not supported by this provider and were ignored');
        break;
    }
  }
  return { contents, systemInstruction: system.length > 0 ? { parts: system } : undefined, warnings };
}

function append(contents: GeminiContent[], role: GeminiContent['role'], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last !== undefined && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function userParts(content: ChatMessage['content'], warnings: string[]): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  for (const part of content) {
    const converted = convertPart(part);
    if (converted === null) warnings.push(`content part "${part.type}" is not supported by this provider and was ignored`);
    else if (converted !== 'empty') parts.push(converted);
  }
  return parts;
}

function convertPart(part: ChatContentPart): GeminiPart | 'empty' | null {
  const fields: Readonly<Record<string, unknown>> = part;
  const text = fields.text;
  if (part.type === 'text' && typeof text === 'string') return text === '' ? 'empty' : { text };
  const imageUrl = fields.image_url;
  if (part.type === 'image_url' && isRecord(imageUrl) && typeof imageUrl.url === 'string') return filePart(imageUrl.url);
  const file = fields.file;
  if (part.type === 'file' && isRecord(file) && typeof file.file_data === 'string') return filePart(file.file_data);
  return null;
}

function filePart(url: string): GeminiPart {
  const inline = parseDataUrl(url);
  if (inline !== null) return { inlineData: { mimeType: inline.mediaType, data: inline.base64 } };
  return { fileData: { mimeType: mediaTypeFromUrl(url), fileUri: url } };
}

function modelParts(message: ChatMessage): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text = contentText(message.content);
  if (text !== '') parts.push({ text });
  for (const call of message.tool_calls ?? []) {
    parts.push({ functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments) } });
  }
  return parts;
}

/** Gemini wants an object as the response; a JSON object is sent as is, anything else as `{ content }`. */
function functionResponse(message: ChatMessage, toolNames: ReadonlyMap<string, string>, warnings: string[]): GeminiPart {
  const id = message.tool_call_id ?? '';
  let name = toolNames.get(id);
  if (name === undefined) {
    warnings.push(`tool result "${id}" matches no earlier tool call; sent under the name "${message.name ?? 'unknown'}"`);
    name = message.name ?? 'unknown';
  }
  const text = contentText(message.content);
  const parsed = parseBoundedJson(text);
  return { functionResponse: { name, response: isRecord(parsed) ? parsed : { content: parsed ?? text } } };
}
