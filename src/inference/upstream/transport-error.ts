/** Classifies what undici and node:net throw (no HTTP status) as upstream errors. */
import { redactKey, redactSecrets } from '../providers/index.js';
import type { UpstreamError } from '../providers/types.js';

const TIMEOUT_MESSAGES: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting to the upstream',
  UND_ERR_HEADERS_TIMEOUT: 'the upstream did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'the upstream stopped sending data',
};

const CONNECTION_MESSAGES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the upstream refused the connection',
  ENOTFOUND: 'the upstream host name does not resolve',
  EAI_AGAIN: 'the upstream host name could not be resolved',
  ECONNRESET: 'the upstream reset the connection',
  EPIPE: 'the upstream closed the connection',
  UND_ERR_SOCKET: 'the upstream closed the connection',
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects fail with an AggregateError; undici may wrap the socket error as `cause`.
  const nested = (error as { errors?: unknown; cause?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0) return errorCode(nested[0]);
  return errorCode((error as { cause?: unknown }).cause);
}

export function transportError(error: unknown): UpstreamError {
  const code = errorCode(error);
  const timeout = code !== undefined && Object.hasOwn(TIMEOUT_MESSAGES, code) ? TIMEOUT_MESSAGES[code] : undefined;
  if (timeout !== undefined) return { kind: 'timeout', status: 0, retryable: true, message: timeout };
  const known = code !== undefined && Object.hasOwn(CONNECTION_MESSAGES, code) ? CONNECTION_MESSAGES[code] : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const message = known ?? `upstream connection failed${code === undefined ? '' : ` (${code})`}: ${detail}`;
  return { kind: 'connection', status: 0, retryable: true, message: redactSecrets(message) };
}

/** The caller aborted (client gone): not a provider failure, so not retryable. */
export const CANCELLED: UpstreamError = Object.freeze({
  kind: 'connection',
  status: 0,
  retryable: false,
  message: 'the request was cancelled by the caller',
});

/** Removes the provider key, and any long fragment of it in any case or encoding, from a message. */
export function withoutKey(error: UpstreamError, apiKey: string): UpstreamError {
  const message = redactKey(error.message, apiKey);
  return message === error.message ? error : { ...error, message };
}
