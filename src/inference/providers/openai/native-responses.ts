/**
 * OpenAI's Responses API forwarded untranslated (spec §5a) to OpenAI-kind providers whose operator set
 * `supports_responses`: `POST {baseUrl}/responses` with the client's body, the model replaced by the route's.
 * The answer is read only for billing — usage from the response object, streamed in `response.completed`
 * (platform.openai.com/docs/api-reference/responses/object#responses/object-usage) — and for failures: an
 * `error` or `response.failed` event, or a stream that ends before its terminal event.
 */
import { isRecord, tryParseJson } from '../json.js';
import { ProviderProtocolError } from '../protocol-error.js';
import type { NativeAdapter, NativeCall, NativeReading, SseEvent, UpstreamHttpRequest, UpstreamTarget, Usage } from '../types.js';
import { joinUrl } from '../url.js';
import { plainUsage, plausibleUsage } from '../wire-usage.js';
import { openAiStreamError } from './errors.js';

function buildRequest(call: NativeCall, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest {
  const { stream: _clientStream, ...rest } = call.body;
  const payload: Record<string, unknown> = { ...rest, model: target.upstreamModel };
  if (stream) payload.stream = true;
  return {
    url: joinUrl(target.baseUrl, '/responses'),
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      authorization: `Bearer ${target.apiKey}`,
    },
    body: JSON.stringify(payload),
  };
}

const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** input_tokens include the cached ones, output_tokens the reasoning ones (as in Chat Completions); no cache writes. */
function toUsage(raw: unknown): Usage | null {
  if (!isRecord(raw)) return null;
  const input = count(raw.input_tokens);
  const output = count(raw.output_tokens);
  if (input === null || output === null) return null;
  const cached = isRecord(raw.input_tokens_details) ? count(raw.input_tokens_details.cached_tokens) : null;
  const reasoning = isRecord(raw.output_tokens_details) ? count(raw.output_tokens_details.reasoning_tokens) : null;
  return { ...plainUsage(input, output), cachedTokens: cached ?? 0, reasoningTokens: reasoning ?? 0 };
}

/** What the output items delivered (text, and calls' names and arguments), for estimating unreported usage. */
function outputText(output: unknown[]): string {
  let text = '';
  for (const item of output) {
    if (!isRecord(item)) continue;
    if (item.type === 'function_call') text += `${item.name ?? ''}${item.arguments ?? ''}`;
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) if (isRecord(part) && typeof part.text === 'string') text += part.text;
    }
  }
  return text;
}

function parseResponse(json: unknown): { usage: Usage | null; text: string } {
  if (!isRecord(json) || json.object !== 'response' || !Array.isArray(json.output)) {
    throw new ProviderProtocolError('the provider answered 2xx without a Responses API response object');
  }
  const text = outputText(json.output);
  return { usage: plausibleUsage(toUsage(json.usage), text !== ''), text };
}

/** The failure a `response.failed` or `error` event reports, classified like Chat Completions errors. */
function failure(payload: Record<string, unknown>): NativeReading {
  const error = isRecord(payload.response) && isRecord(payload.response.error) ? payload.response.error : payload;
  const code = typeof error.code === 'string' ? error.code : undefined;
  return { error: openAiStreamError({ error: { type: code, code, message: error.message } }) };
}

/** Events whose `delta` is output the model wrote. */
const OUTPUT_DELTAS = new Set([
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.refusal.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
]);

class StreamReader {
  private delivered = false;
  private ended = false;

  onEvent(event: SseEvent): NativeReading {
    if (this.ended) return {};
    const payload = tryParseJson(event.data);
    if (!isRecord(payload)) return this.fail('the provider sent malformed JSON in its stream');
    const type = payload.type ?? event.event;
    if (type === 'error' || type === 'response.failed') {
      this.ended = true;
      return failure(payload);
    }
    if (OUTPUT_DELTAS.has(type as string) && typeof payload.delta === 'string') {
      this.delivered ||= payload.delta !== '';
      return { text: payload.delta };
    }
    if (type === 'response.output_item.added' && isRecord(payload.item) && typeof payload.item.name === 'string') {
      return { text: payload.item.name };
    }
    if (type === 'response.completed' || type === 'response.incomplete') {
      this.ended = true;
      const response = isRecord(payload.response) ? payload.response : {};
      const usage = plausibleUsage(toUsage(response.usage), this.delivered);
      return usage === null ? {} : { usage };
    }
    // Lifecycle and item events, and types added after this was written, are relayed and otherwise ignored.
    return {};
  }

  onEnd(): NativeReading {
    if (this.ended) return {};
    return this.fail('the provider ended its stream before response.completed');
  }

  private fail(message: string): NativeReading {
    this.ended = true;
    return { error: { kind: 'bad_response', status: 200, retryable: true, message } };
  }
}

export const openAiNativeResponses: NativeAdapter = {
  buildRequest,
  parseResponse,
  createStreamReader: () => new StreamReader(),
};
