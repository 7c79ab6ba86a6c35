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
 * | `cache-write` | reports a quarter of the prompt tokens as written to the cache for 5 minutes (anthropic only: the others bill no writes) |
 * | `cache-write-1h` | reports an eighth of the prompt tokens as written to the cache for 1 hour (anthropic only) |
 * | `reasoning` | reports 3 × the answer's tokens spent reasoning, in the provider's shape: openai `completion_tokens_details.reasoning_tokens` (inside `completion_tokens`), google `thoughtsTokenCount` (beside `candidatesTokenCount`), anthropic inside `output_tokens` |
 * | `prompt-N` | reports N prompt tokens (e.g. a long-context prompt), whatever was sent |
 *
 * Malformed output (issue 10): each `bad-*` token breaks the wire format in one way. In streams the bad
 * event comes after two valid events (the role and the first text reached the client: expect an SSE
 * error frame), or first with `bad-at-start` (nothing reached the client: expect a fallback or a 502).
 * See test/mocks/malformed.ts for the exact bytes.
 *
 * | token | stream | non-streaming |
 * |---|---|---|
 * | `bad-no-choices` | openai: a chunk without `choices`; anthropic: `content_block_start` with `content_block: null`; google: `candidates: "…"` | openai: no `choices`; anthropic: `content: [null]`; google: no candidates |
 * | `bad-null-choice` | openai: `choices: [null]`; anthropic: `content_block_start` with `content_block: null`; google: `candidates: [null]` | openai: `choices: [null]`; anthropic: `content: [null]`; google: `candidates: [null]` |
 * | `bad-no-delta` | openai: a choice without `delta`; anthropic: `content_block_delta` without `delta`; google: `parts: [null]` | as `bad-no-message` |
 * | `bad-no-message` | as `bad-no-delta` | openai: a choice without `message`; anthropic: no `content`; google: `parts: "…"` |
 * | `bad-array-content` | as `bad-no-delta` | openai: `message.content` as an array of text parts, no usage; anthropic: `content` as a string, no usage; google: `text` as an array, no usage |
 * | `bad-json` | a `data:` line of invalid JSON | a 200 body cut in half (cleanly ended) |
 * | `bad-framing` | from the bad event on, frames lose their `data:` prefix and blank lines | an SSE body where JSON is expected |
 * | `bad-empty` | 200 with an empty body | 200 with an empty body |
 * | `bad-zero-output` | text, then usage reporting 0 output tokens | text with usage reporting 0 output tokens |
 * | `cut-stream` / `cut-start` / `stream-error-first` (above) | a connection cut mid-stream / before any data / an error-first stream | |
 *
 * Key echoes (issue 10): `echo-key[-variant]` answers HTTP 500 (or `fail-NNN`'s status) with a
 * text/plain body that echoes the provider key the mock received in its auth header:
 * `echo-key` as is, `echo-key-upper` upper-cased, `echo-key-pct` percent-encoded byte by byte,
 * `echo-key-json` inside the provider's JSON error body as `\u` escapes, `echo-key-cut` preceded by 180
 * characters of text (so a 200-character excerpt cuts through it), `echo-key-40` cut after 40 bytes.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type StreamMode = 'normal' | 'slow' | 'cut' | 'cut-start' | 'error' | 'error-first';

export const MALFORMED_MODES = [
  'no-choices',
  'null-choice',
  'no-delta',
  'no-message',
  'array-content',
  'json',
  'framing',
  'empty',
  'zero-output',
] as const;
export type Malformed = (typeof MALFORMED_MODES)[number];

export const KEY_ECHOES = ['upper', 'pct', 'json', 'cut', '40'] as const;
export type KeyEcho = 'plain' | (typeof KEY_ECHOES)[number];

export type Behaviour = {
  tools: boolean;
  noUsage: boolean;
  cached: boolean;
  /** `cache-write`: 5-minute cache writes are reported. */
  cacheWrite: boolean;
  /** `cache-write-1h`: 1-hour cache writes are reported. */
  cacheWrite1h: boolean;
  /** `reasoning`: reasoning tokens are reported. */
  reasoning: boolean;
  /** `prompt-N`: the prompt tokens reported. */
  promptTokens: number | undefined;
  failStatus: number | undefined;
  slowHeadersMs: number | undefined;
  stream: StreamMode;
  /** Interval between chunks in `slow` mode. */
  intervalMs: number;
  /** `chunks-N`: the answer is exactly N pieces (the benchmark's ~20-chunk and 30 s streams). */
  chunks: number | undefined;
  /** `bad-*`: how the answer breaks the wire format. */
  malformed: Malformed | undefined;
  /** Index of the stream event that is replaced by the malformed one (0 with `bad-at-start`, else 2). */
  malformedAt: number;
  /** `echo-key[-variant]`: answer an error body that echoes the provider key. */
  echoKey: KeyEcho | undefined;
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

function malformedOf(model: string): Malformed | undefined {
  return MALFORMED_MODES.find((mode) => new RegExp(`(^|-)bad-${mode}($|-)`).test(model));
}

function echoOf(model: string): KeyEcho | undefined {
  const match = /(?:^|-)echo-key(?:-(upper|pct|json|cut|40))?(?:$|-)/.exec(model);
  if (match === null) return undefined;
  return (match[1] as KeyEcho | undefined) ?? 'plain';
}

function promptTokensOf(model: string): number | undefined {
  const match = /(?:^|-)prompt-(\d+)(?:$|-)/.exec(model);
  return match === null ? undefined : Math.min(10_000_000, Math.max(1, Number(match[1])));
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
    cacheWrite: /(^|-)cache-write(?!-1h)($|-)/.test(model),
    cacheWrite1h: /(^|-)cache-write-1h($|-)/.test(model),
    reasoning: /(^|-)reasoning($|-)/.test(model),
    promptTokens: promptTokensOf(model),
    failStatus: fail?.[1] === undefined ? undefined : Number(fail[1]),
    slowHeadersMs: slowHeaders === null ? undefined : (delay ?? Number(slowHeaders[1] ?? DEFAULT_SLOW_HEADERS_MS)),
    stream: streamMode(model),
    intervalMs: delay ?? Number(slowStream?.[1] ?? DEFAULT_INTERVAL_MS),
    chunks: chunks === null ? undefined : Math.min(MAX_CHUNKS, Math.max(1, Number(chunks[1]))),
    malformed: malformedOf(model),
    malformedAt: /(^|-)bad-at-start($|-)/.test(model) ? 0 : 2,
    echoKey: echoOf(model),
  };
}
