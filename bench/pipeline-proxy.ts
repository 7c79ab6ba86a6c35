/**
 * Child process: the "pipeline proxy", the bench's baseline until issue 14. A node:http server forwarding
 * every request through one undici Pool with `pool.request` and `stream.pipeline`: no auth, no parsing, no
 * billing, but not minimal (about 3× the CPU per request of floor-proxy.ts, the floor). Kept as a second
 * reference point, labelled for what it is.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2] ?? '');
/** Same pool shape as the gateway's (src/inference/upstream/pools.ts), so the comparison is like for like. */
const pool = new Pool(upstream.origin, { connections: 2048, pipelining: 1, keepAliveTimeout: 30_000 });
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  return out;
}

const server = createServer((req, res) => {
  pool
    .request({
      method: req.method === 'GET' ? 'GET' : 'POST',
      path: req.url ?? '/',
      headers: forwardable(req.headers),
      body: req.method === 'GET' ? null : req,
    })
    .then(async (up) => {
      res.writeHead(up.statusCode, forwardable(up.headers));
      await pipeline(up.body, res);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bare proxy: upstream failed"}}');
    });
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
