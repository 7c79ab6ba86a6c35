/** The Anthropic Messages ingress (spec §5b): `POST /v1/messages`, native to Anthropic, translated elsewhere. */
import { errors } from '../../../http/errors.js';
import type { IngressFormat, IngressRequest } from '../types.js';
import { anthropicErrorBody } from './errors.js';
import { renderMessage, renderNativeMessage } from './render.js';
import { parseMessagesBody } from './request.js';
import { createMessagesStream } from './stream.js';
import { toChatRequest } from './translate.js';

export { countMessageTokens } from './count-tokens.js';
export { anthropicErrorBody } from './errors.js';

/** Beta flags as Anthropic names them: comma-separated tokens. */
const BETA = /^[A-Za-z0-9._-]+(?:\s*,\s*[A-Za-z0-9._-]+)*$/;
const MAX_BETA_CHARS = 1024;

/** The `anthropic-beta` header, checked: forwarded to Anthropic-kind providers with the native body. */
export function betaHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const joined = Array.isArray(value) ? value.join(',') : value;
  if (joined.length > MAX_BETA_CHARS || !BETA.test(joined)) {
    throw errors.validation('anthropic-beta', "Invalid 'anthropic-beta' header: expected comma-separated beta names.");
  }
  return joined;
}

/** The Messages ingress for one request: its `anthropic-beta` header travels with the native call. */
export function messagesIngressFor(headers: Readonly<Record<string, string | string[] | undefined>>): IngressFormat {
  const beta = betaHeader(headers['anthropic-beta']);
  if (beta === undefined) return messagesIngress;
  return {
    ...messagesIngress,
    parse(raw, caller) {
      const request = messagesIngress.parse(raw, caller) as IngressRequest;
      if (request.native) request.native.headers = { 'anthropic-beta': beta };
      return request;
    },
  };
}

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
