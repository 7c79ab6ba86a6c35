/**
 * Child process: the floor. A minimal reverse proxy, the approach of ../shared/bench/bare-proxy.mjs: node:http
 * and one undici Pool; `pool.stream` writes the upstream body straight into the client response, the request
 * body is streamed up, raw request headers pass through minus hop-by-hop ones. No parsing, no auth, no
 * billing: about the least CPU a Node process can spend forwarding a call, so the gateway's ratio against it
 * is the honest one. (pipeline-proxy.ts, `pool.request` + `stream.pipeline`, costs ~3× its CPU.)
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2] ?? '');
const pool = new Pool(upstream.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });

// Hop-by-hop headers (RFC 9110 §7.6.1) plus host: never forwarded in either direction.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** raw: [name, value, name, value, …] as received. */
function forwardRaw(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  return out;
}

function forwardParsed(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined && !HOP.has(name)) out[name] = value;
  }
  return out;
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, type: 'proxy_error' } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method !== 'POST' || url.split('?')[0] !== '/v1/chat/completions') {
    req.resume();
    fail(res, 404, `no route ${req.method} ${url}`);
    return;
  }
  pool.stream(
    { path: url, method: 'POST', headers: forwardRaw(req.rawHeaders), body: req, opaque: res },
    ({ statusCode, headers, opaque }) => {
      opaque.writeHead(statusCode, forwardParsed(headers));
      return opaque; // undici writes the upstream body straight into the client response
    },
    (err) => {
      if (err) fail(res, 502, `upstream error: ${(err as { code?: string }).code ?? err.message}`);
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ ready: true, url: `http://127.0.0.1:${port}` });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => void pool.close().then(() => process.exit(0)));
});
