/**
 * Anthropic's Messages API forwarded untranslated (spec §5b): a client speaking Messages to an
 * Anthropic-kind route keeps `cache_control`, `thinking` and every other field. The body goes as the
 * client sent it, the model replaced by the route's; the answer is read only for billing (usage through
 * the same mapping as the translating adapter) and for protocol failures.
 */
import { isRecord, tryParseJson } from '../json.js';
import { ProviderProtocolError } from '../protocol-error.js';
import type { NativeAdapter, NativeCall, NativeReading, SseEvent, UpstreamHttpRequest, UpstreamTarget } from '../types.js';
import { joinUrl } from '../url.js';
import { plausibleUsage } from '../wire-usage.js';
import { anthropicStreamError } from './errors.js';
import { ANTHROPIC_VERSION } from './request.js';
import { mergeUsage, toUsage } from './usage.js';
import { type AnthropicUsage, anthropicMessageSchema, anthropicStreamEventSchema } from './wire.js';

function buildRequest(call: NativeCall, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest {
  const { stream: _clientStream, ...rest } = call.body;
  const payload: Record<string, unknown> = { ...rest, model: target.upstreamModel };
  if (stream) payload.stream = true;
  return {
    url: joinUrl(target.baseUrl, '/messages'),
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'x-api-key': target.apiKey,
      'anthropic-version': ANTHROPIC_VERSION,
      // The client's beta flags (Claude Code's interleaved thinking, 1M context…) reach Anthropic with its body.
      ...(call.headers?.['anthropic-beta'] !== undefined && { 'anthropic-beta': call.headers['anthropic-beta'] }),
    },
    body: JSON.stringify(payload),
  };
}

/** The text a block delivered (tool inputs as JSON), for estimating usage the provider did not report. */
function blockText(block: { type: string; text?: string | undefined; input?: unknown }): string {
  if (block.type === 'text') return block.text ?? '';
  if (block.type === 'tool_use') return JSON.stringify(block.input ?? {});
  return '';
}

function parseResponse(json: unknown): { usage: ReturnType<typeof toUsage>; text: string } {
  const parsed = anthropicMessageSchema.safeParse(json);
  if (!parsed.success) throw new ProviderProtocolError('the provider answered 2xx without a Messages API message');
  const text = parsed.data.content.map(blockText).join('');
  const reported = parsed.data.usage === undefined ? null : toUsage(parsed.data.usage);
  return { usage: plausibleUsage(reported, text !== ''), text };
}

function badResponse(message: string): NativeReading {
  return { error: { kind: 'bad_response', status: 200, retryable: true, message } };
}

/**
 * Usage is reported once `message_delta` brings the final output count: message_start's count (1) would
 * under-bill a stream cut short, which is estimated from its delivered text instead.
 */
class StreamReader {
  private usage: AnthropicUsage = {};
  private delivered = false;
  private final = false;
  private ended = false;

  onEvent(event: SseEvent): NativeReading {
    if (this.ended) return {};
    const json = tryParseJson(event.data);
    if (json === undefined) return this.fail('upstream sent malformed JSON in its stream');
    const parsed = anthropicStreamEventSchema.safeParse(json);
    // Event types added after this was written are relayed and otherwise ignored.
    if (!parsed.success) return {};
    const data = parsed.data;
    switch (data.type) {
      case 'message_start':
        this.usage = mergeUsage(this.usage, data.message.usage);
        return {};
      case 'content_block_start': {
        // A tool call's input follows as deltas; its name is output the model wrote.
        const block = data.content_block;
        const text = block.type === 'tool_use' ? (block.name ?? '') : blockText(block);
        this.delivered ||= text !== '';
        return { text };
      }
      case 'content_block_delta': {
        const delta = data.delta;
        // Thinking is output too (billed as such): the schema leaves its text out, so read it from the JSON.
        const raw = isRecord(json) && isRecord(json.delta) ? json.delta.thinking : undefined;
        const text = delta.text ?? delta.partial_json ?? (typeof raw === 'string' ? raw : '');
        this.delivered ||= text !== '';
        return { text };
      }
      case 'message_delta': {
        this.usage = mergeUsage(this.usage, data.usage);
        this.final = true;
        return this.reading();
      }
      case 'message_stop':
        this.ended = true;
        return this.reading();
      case 'error':
        this.ended = true;
        return { error: anthropicStreamError(data.error) };
      default:
        return {};
    }
  }

  onEnd(): NativeReading {
    if (this.ended) return {};
    return this.fail('upstream stream ended before message_stop');
  }

  private reading(): NativeReading {
    if (!this.final) return {};
    const usage = plausibleUsage(toUsage(this.usage), this.delivered);
    return usage === null ? {} : { usage };
  }

  private fail(message: string): NativeReading {
    this.ended = true;
    return badResponse(message);
  }
}

export const anthropicNativeMessages: NativeAdapter = {
  buildRequest,
  parseResponse,
  createStreamReader: () => new StreamReader(),
};
