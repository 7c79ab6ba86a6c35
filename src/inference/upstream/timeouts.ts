/** Default upstream timeouts; the gateway's config may override each per call. */
import type { UpstreamTimeouts } from './types.js';

export const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = {
  // A reachable provider accepts a connection in well under a second; 10 s leaves room for a slow TLS
  // handshake and still falls back quickly when a host is black-holed.
  connectTimeoutMs: 10_000,
  // A non-streaming call gets its headers only when the whole answer is generated: long reasoning
  // answers take minutes. 10 minutes is the OpenAI SDKs' own default request timeout.
  firstByteTimeoutMs: 600_000,
  // Reasoning models can think for minutes before their first token, and some providers send no
  // keep-alive in the meantime; 5 minutes of total silence means the stream is dead.
  idleTimeoutMs: 300_000,
};
