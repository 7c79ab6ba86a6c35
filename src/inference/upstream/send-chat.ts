/**
 * The one place that calls providers: builds the request with the adapter, sends it through the
 * origin's pool, and returns a tagged result. For streams it peeks: `ok: true` only once the first
 * translated event has arrived, so anything that fails before the first byte can still fall back.
 */
import type { Dispatcher } from 'undici';
import { classifyStatus } from '../providers/classify-status.js';
import { ProviderProtocolError, redactKey } from '../providers/index.js';
import { tryParseJson } from '../providers/json.js';
import type {
  ChatRequest,
  NativeAdapter,
  NativeReading,
  ProviderAdapter,
  StreamEvent,
  StreamTranslator,
  UpstreamError,
  UpstreamTarget,
} from '../providers/types.js';
import { Cancellation } from './cancellation.js';
import { isWellFormedCompletion } from './output-shape.js';
import { poolFor } from './pools.js';
import { MAX_ERROR_BODY_BYTES, MAX_JSON_BODY_BYTES, readBodyPrefix, readBodyText } from './read-body.js';
import { sseEvents } from './sse-events.js';
import { DEFAULT_UPSTREAM_TIMEOUTS } from './timeouts.js';
import { CANCELLED, transportError, withoutKey } from './transport-error.js';
import type { SendChatOptions, UpstreamResult } from './types.js';

type Call = {
  adapter: ProviderAdapter;
  target: UpstreamTarget;
  body: ChatRequest;
  /** Set for a native call: the provider's own API reads the answer instead of the translator. */
  native: NativeAdapter | null;
  /** Aborts this upstream call only (the client's own cancellation aborts it too). */
  upstream: Cancellation;
  warnings: string[];
  /** Detaches from the caller's signal; idempotent. */
  release(): void;
};

export async function sendChat(
  adapter: ProviderAdapter,
  target: UpstreamTarget,
  body: ChatRequest,
  options: SendChatOptions,
): Promise<UpstreamResult> {
  const timeouts = { ...DEFAULT_UPSTREAM_TIMEOUTS, ...options.timeouts };
  const native = options.native ? (adapter.native?.[options.native.api] ?? null) : null;
  if (options.native && !native) throw new Error(`the ${adapter.kind} adapter has no native ${options.native.api} API`);
  const http =
    native && options.native
      ? native.buildRequest(options.native, target, options.stream)
      : adapter.buildRequest(body, target, options.stream);
  const upstream = new Cancellation();
  const signal = options.signal;
  const onAbort = (): void => upstream.abort();
  if (signal?.aborted === true) return { ok: false, error: CANCELLED };
  signal?.once('abort', onAbort);
  const call: Call = {
    adapter,
    target,
    body,
    native,
    upstream,
    warnings: http.warnings ?? [],
    release: () => signal?.removeListener('abort', onAbort),
  };

  let response: Dispatcher.ResponseData;
  try {
    const url = new URL(http.url);
    response = await poolFor(url.origin, timeouts.connectTimeoutMs).request({
      method: 'POST',
      path: url.pathname + url.search,
      headers: http.headers,
      body: http.body,
      signal: upstream,
      headersTimeout: timeouts.firstByteTimeoutMs,
      bodyTimeout: timeouts.idleTimeoutMs,
    });
  } catch (error) {
    call.release();
    return { ok: false, error: upstream.aborted ? CANCELLED : withoutKey(transportError(error), target.apiKey) };
  }
  if (response.statusCode < 200 || response.statusCode > 299) return failed(call, response);
  return options.stream ? peekStream(call, response) : readCompletion(call, response);
}

/**
 * A non-2xx answer. The key is removed from the whole body before the adapter reads (and cuts) it, so
 * a cut cannot leave part of an echoed key out of reach; the message is checked once more after.
 */
async function failed(call: Call, response: Dispatcher.ResponseData): Promise<UpstreamResult> {
  const text = redactKey(await readBodyPrefix(response.body, MAX_ERROR_BODY_BYTES), call.target.apiKey);
  call.release();
  let error: UpstreamError;
  try {
    error = call.adapter.parseError(response.statusCode, text, response.headers);
  } catch {
    error = classifyStatus(response.statusCode, `the provider answered HTTP ${response.statusCode}`);
  }
  return { ok: false, error: withoutKey(error, call.target.apiKey) };
}

async function readCompletion(call: Call, response: Dispatcher.ResponseData): Promise<UpstreamResult> {
  let text: string | null;
  try {
    text = await readBodyText(response.body, MAX_JSON_BODY_BYTES);
  } catch (error) {
    if (call.upstream.aborted) return { ok: false, error: CANCELLED };
    return { ok: false, error: withoutKey(transportError(error), call.target.apiKey) };
  } finally {
    call.release();
  }
  if (text === null) return { ok: false, error: badResponse('the provider answer is larger than the gateway accepts') };
  if (text.trim() === '') return { ok: false, error: badResponse('the provider answered 2xx with an empty body') };
  const json = tryParseJson(text);
  if (json === undefined) return { ok: false, error: badResponse('the provider answered 2xx with invalid JSON') };
  try {
    if (call.native) {
      if (json === null || typeof json !== 'object' || Array.isArray(json))
        return { ok: false, error: badResponse('the provider answered 2xx with a body that is not an object') };
      const { usage, text: delivered } = call.native.parseResponse(json);
      return {
        ok: true,
        kind: 'native-json',
        json: json as Record<string, unknown>,
        usage,
        text: delivered,
        status: response.statusCode,
        warnings: call.warnings,
      };
    }
    const { completion, usage } = call.adapter.parseResponse(json, call.body);
    if (!isWellFormedCompletion(completion)) return { ok: false, error: badResponse('the provider answered a malformed completion') };
    return { ok: true, kind: 'json', completion, usage, status: response.statusCode, warnings: call.warnings };
  } catch (error) {
    const message = error instanceof ProviderProtocolError ? error.message : 'the provider answered a body the gateway could not read';
    return { ok: false, error: withoutKey(badResponse(message), call.target.apiKey) };
  }
}

function badResponse(message: string): UpstreamError {
  return { kind: 'bad_response', status: 200, retryable: true, message };
}

async function peekStream(call: Call, response: Dispatcher.ResponseData): Promise<UpstreamResult> {
  const { upstream, target } = call;
  const events = sseEvents(response.body, {
    translator: call.native ? relayNative(call.native) : call.adapter.createStreamTranslator(call.body),
    isCancelled: () => upstream.aborted,
    sanitize: (error) => withoutKey(error, target.apiKey),
  });
  const abort = (): void => {
    call.release();
    upstream.abort();
  };
  const first = await events.next();
  if (first.done === true) {
    call.release();
    if (upstream.aborted) return { ok: false, error: CANCELLED };
    return { ok: true, kind: 'stream', events: replay(undefined, events, call.release), abort, warnings: call.warnings };
  }
  if (first.value.type === 'error') {
    abort();
    await events.return(undefined);
    return { ok: false, error: first.value.error };
  }
  return { ok: true, kind: 'stream', events: replay(first.value, events, call.release), abort, warnings: call.warnings };
}

/** The peeked event, then the rest; closing it early (break / return) closes the upstream body. */
function replay(
  first: StreamEvent | undefined,
  rest: AsyncGenerator<StreamEvent, void, undefined>,
  release: () => void,
): AsyncIterable<StreamEvent> {
  let head = first;
  const iterator: AsyncIterator<StreamEvent, void> = {
    async next() {
      if (head !== undefined) {
        const value = head;
        head = undefined;
        return { done: false, value };
      }
      const result = await rest.next();
      if (result.done === true) release();
      return result;
    },
    async return() {
      head = undefined;
      release();
      return rest.return(undefined);
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

/** A native stream: every upstream event is relayed as it is; the API's reader supplies usage and errors. */
function relayNative(native: NativeAdapter): StreamTranslator {
  const reader = native.createStreamReader();
  const after = (reading: NativeReading): StreamEvent[] => {
    const events: StreamEvent[] = [];
    if (reading.usage) events.push({ type: 'usage', usage: reading.usage });
    if (reading.error) events.push({ type: 'error', error: reading.error });
    return events;
  };
  return {
    onEvent(event) {
      const reading = reader.onEvent(event);
      // An error event is not relayed: the ingress ends the stream with its own error frame.
      if (reading.error) return after(reading);
      return [{ type: 'raw', event, text: reading.text ?? '' }, ...after(reading)];
    },
    onEnd: () => after(reader.onEnd()),
  };
}
