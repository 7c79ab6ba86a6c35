/**
 * The shared plumbing of the mock providers: a node:http server on 127.0.0.1 (port chosen at run time)
 * that records requests and hands each parsed JSON body to a provider-specific handler.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path and query, e.g. `/v1beta/models/m:streamGenerateContent?alt=sse`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** True when the client closed the connection before the mock finished answering. */
  aborted: boolean;
};

export type MockProvider = {
  /** The base URL to configure as the provider's base_url. */
  url: string;
  /** Requests in arrival order (the newest `maxRecorded`). */
  requests: RecordedRequest[];
  close(): Promise<void>;
};

export type MockOptions = {
  /** How many requests to keep; 0 records nothing (benchmarks). Default 1,000. */
  maxRecorded?: number;
};

export type MockHandler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void | Promise<void>;

const DEFAULT_MAX_RECORDED = 1000;

export async function startMockServer(basePath: string, handler: MockHandler, options: MockOptions = {}): Promise<MockProvider> {
  const maxRecorded = options.maxRecorded ?? DEFAULT_MAX_RECORDED;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: parseJson(text),
        aborted: false,
      };
      res.on('close', () => {
        if (!res.writableFinished) recorded.aborted = true;
      });
      if (maxRecorded > 0) {
        if (requests.length >= maxRecorded) requests.shift();
        requests.push(recorded);
      }
      Promise.resolve(handler(req, res, recorded)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`mock handler failed: ${String(error)}`);
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
