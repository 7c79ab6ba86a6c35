// The short name of the ingress a call came through, for the logs table.
import type { RequestType } from '../api';

const labels: Record<string, string> = { 'chat.completion': 'chat', response: 'responses', message: 'messages' };

/** `chat.completion` → `chat`, `response` → `responses`, `message` → `messages`; others as sent. */
export function requestTypeLabel(type: RequestType): string {
  return labels[type] ?? type;
}
