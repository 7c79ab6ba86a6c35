/**
 * The wire-format-independent half of the malformed behaviours (see behaviour.ts): where the bad event
 * goes in a stream, broken framing, empty bodies, and error bodies that echo the provider key.
 */
import type { ServerResponse } from 'node:http';
import type { Behaviour, KeyEcho } from './behaviour.js';

/** Text before an `echo-key-cut` echo: a 200-character excerpt then ends inside the key. */
const CUT_PADDING = 'The upstream credential check failed while validating the request. '.repeat(3).slice(0, 180);

/**
 * The stream with the bad event at `behaviour.malformedAt` (replacing the valid one there). `framing`
 * strips the `data:` prefix and blank lines from that point on; `json` puts an unfinished JSON line there.
 */
export function withMalformedEvent(frames: readonly string[], behaviour: Behaviour, badFrame: string | undefined): string[] {
  const at = Math.min(behaviour.malformedAt, frames.length - 1);
  if (behaviour.malformed === 'framing') {
    const broken = frames
      .slice(at)
      .map((frame) => frame.replace(/^data: /gm, '').replace(/\r?\n\r?\n$/, '\n'))
      .join('');
    return [...frames.slice(0, at), broken];
  }
  const bad = behaviour.malformed === 'json' ? 'data: {"id":"broken","choices":[{"delta":{"content":"oo\n\n' : badFrame;
  if (bad === undefined) return [...frames];
  return [...frames.slice(0, at), bad, ...frames.slice(at + 1)];
}

/** True when the mock answered (an empty 200, a cut or SSE body) and the provider mock has nothing left to do. */
export function sendMalformedJson(res: ServerResponse, behaviour: Behaviour, json: string): boolean {
  if (behaviour.malformed === 'empty') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 0 });
    res.end();
    return true;
  }
  if (behaviour.malformed === 'json') {
    const half = json.slice(0, Math.floor(json.length / 2));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(half) });
    res.end(half);
    return true;
  }
  if (behaviour.malformed === 'framing') {
    const sse = `data: ${json}\n\ndata: [DONE]\n\n`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sse) });
    res.end(sse);
    return true;
  }
  return false;
}

/** A 200 stream with no body at all (`bad-empty`). */
export function sendEmptyStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.end();
}

const percentAll = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
const unicodeEscapeAll = (text: string): string => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/**
 * An error body echoing `key` the way misbehaving upstreams and proxies do; `jsonBody` wraps a message
 * in the provider's own error shape (used by `echo-key-json`, the one JSON variant).
 */
export function keyEchoBody(key: string, echo: KeyEcho, jsonBody: (message: string) => string): { type: string; body: string } {
  switch (echo) {
    case 'upper':
      return { type: 'text/plain', body: `Unauthorized: API key ${key.toUpperCase()} is not valid for this project` };
    case 'pct':
      return { type: 'text/plain', body: `upstream rejected GET /v1/check?api_key=${percentAll(key)}&v=2` };
    case 'json':
      return { type: 'application/json', body: jsonBody(`Incorrect API key provided: ${unicodeEscapeAll(key)}`).replace(/\\\\u/g, '\\u') };
    case 'cut':
      return { type: 'text/plain', body: `${CUT_PADDING} key=${key} (request req_mock)` };
    case '40':
      return { type: 'text/plain', body: `proxy error: bad credential ${key.slice(0, 40)}` };
    default:
      return { type: 'text/plain', body: `Internal error: the key ${key} could not be verified` };
  }
}

/** Answers the key echo; the status is `fail-NNN`'s, else 500 (retryable: the gateway may fall back). */
export function sendKeyEcho(res: ServerResponse, behaviour: Behaviour, key: string, jsonBody: (message: string) => string): void {
  const { type, body } = keyEchoBody(key, behaviour.echoKey ?? 'plain', jsonBody);
  res.writeHead(behaviour.failStatus ?? 500, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
