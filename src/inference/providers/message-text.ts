/** Reads plain text out of an OpenAI message's `content` (a string or an array of parts). */
import type { ChatMessage } from './types.js';

/** Concatenates the text parts of `content`; non-text parts are skipped. */
export function contentText(content: ChatMessage['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}
