/**
 * How a mock behaves, picked from the upstream model name (the route's provider_model_id) so gateway
 * tests choose behaviour through configuration alone. Tokens may be combined, e.g. `m-tools-no-usage`.
 *
 * | token in the model name | behaviour |
 * |---|---|
 * | (none) | a deterministic answer echoing the last user message, with realistic usage |
 * | `tools` | calls the first declared tool (answers in text once the last turn is a tool result) |
 * | `fail-NNN` | answers HTTP NNN with the provider's documented error body (429 with retry-after) |
 * | `slow-headers[-MS]` | waits MS (default 3000, or header `x-mock-delay-ms`) before answering |
 * | `slow-stream[-MS]` | streams 20 text chunks, one every MS (default 100, or `x-mock-delay-ms`) |
 * | `chunks-N` | answers N text pieces `tick1 … tickN` (streams: N content chunks; with `slow-stream`, N × MS long) |
 * | `cut-stream` | streams 3 events then destroys the socket (non-streaming: half a body, then destroy) |
 * | `cut-start` | sends 200 headers then destroys the socket before any data |
 * | `stream-error-first` | a 200 stream whose first event is the provider's error event |
 * | `stream-error` | a few chunks, then the provider's error event mid-stream |
 * | `no-usage` | omits usage |
 * | `cached` | reports half the prompt tokens as read from the cache |
 */
import type { IncomingHttpHeaders } from 'node:http';

export type StreamMode = 'normal' | 'slow' | 'cut' | 'cut-start' | 'error' | 'error-first';

export type Behaviour = {
  tools: boolean;
  noUsage: boolean;
  cached: boolean;
  failStatus: number | undefined;
  slowHeadersMs: number | undefined;
  stream: StreamMode;
  /** Interval between chunks in `slow` mode. */
  intervalMs: number;
  /** `chunks-N`: the answer is exactly N pieces (the benchmark's ~20-chunk and 30 s streams). */
  chunks: number | undefined;
};

const DEFAULT_SLOW_HEADERS_MS = 3000;
const DEFAULT_INTERVAL_MS = 100;
/** Bounds `chunks-N` so a typo cannot make a mock build a huge answer. */
const MAX_CHUNKS = 10_000;

function headerMs(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['x-mock-delay-ms'];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function streamMode(model: string): StreamMode {
  if (model.includes('slow-stream')) return 'slow';
  if (model.includes('cut-stream')) return 'cut';
  if (model.includes('cut-start')) return 'cut-start';
  if (model.includes('stream-error-first')) return 'error-first';
  if (model.includes('stream-error')) return 'error';
  return 'normal';
}

export function behaviourOf(model: string, headers: IncomingHttpHeaders): Behaviour {
  const fail = /fail-(\d{3})/.exec(model);
  const slowHeaders = /slow-headers(?:-(\d+))?/.exec(model);
  const slowStream = /slow-stream-(\d+)/.exec(model);
  const chunks = /(?:^|-)chunks-(\d+)/.exec(model);
  const delay = headerMs(headers);
  return {
    tools: /(^|-)tools($|-)/.test(model),
    noUsage: model.includes('no-usage'),
    cached: model.includes('cached'),
    failStatus: fail?.[1] === undefined ? undefined : Number(fail[1]),
    slowHeadersMs: slowHeaders === null ? undefined : (delay ?? Number(slowHeaders[1] ?? DEFAULT_SLOW_HEADERS_MS)),
    stream: streamMode(model),
    intervalMs: delay ?? Number(slowStream?.[1] ?? DEFAULT_INTERVAL_MS),
    chunks: chunks === null ? undefined : Math.min(MAX_CHUNKS, Math.max(1, Number(chunks[1]))),
  };
}
