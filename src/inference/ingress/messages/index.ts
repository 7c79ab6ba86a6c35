/** The Anthropic Messages ingress (spec §5b): `POST /v1/messages`, native to Anthropic, translated elsewhere. */
import type { IngressFormat, IngressRequest } from '../types.js';
import { anthropicErrorBody } from './errors.js';
import { renderMessage, renderNativeMessage } from './render.js';
import { parseMessagesBody } from './request.js';
import { createMessagesStream } from './stream.js';
import { toChatRequest } from './translate.js';

export { countMessageTokens } from './count-tokens.js';
export { anthropicErrorBody } from './errors.js';

export const messagesIngress: IngressFormat = {
  requestType: 'message',
  parse(raw: unknown): IngressRequest {
    const body = parseMessagesBody(raw);
    const { chat, warnings } = toChatRequest(body);
    return {
      chat,
      metadata: body.metadata ?? null,
      warnings,
      native: { kind: 'anthropic', api: 'messages', body },
    };
  },
  renderJson: renderMessage,
  renderNativeJson: (json, ctx) => renderNativeMessage(json, ctx),
  createStream: (ctx) => createMessagesStream(ctx),
  errorBody: anthropicErrorBody,
};
