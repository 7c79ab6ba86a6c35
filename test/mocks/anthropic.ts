/**
 * A mock Anthropic Messages API (docs.anthropic.com/en/api/messages): `POST /v1/messages`, `x-api-key`
 * and `anthropic-version` checked, `max_tokens` required, the full SSE event sequence (message_start,
 * content_block_start/delta/stop, ping, message_delta, message_stop, error) and Anthropic's error bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Behaviour, behaviourOf } from './behaviour.js';
import { sendEmptyStream, sendKeyEcho, sendMalformedJson, withMalformedEvent } from './malformed.js';
import { type MockOptions, type MockProvider, type RecordedRequest, sendJson, sleep, startMockServer } from './mock-server.js';
import { type Answer, type MockUsage, type PromptSummary, scriptAnswer, sendCutJson, sendEventStream, usageOf } from './scripted-answer.js';

type Block = { type?: string; text?: string; content?: unknown };
type AnthropicBody = {
  model?: string;
  max_tokens?: number;
  system?: string | Block[];
  messages?: Array<{ role?: string; content?: string | Block[] }>;
  tools?: Array<{ name?: string; input_schema?: unknown }>;
  stream?: boolean;
};

const ERRORS: Readonly<Record<number, [type: string, message: string]>> = {
  400: ['invalid_request_error', 'messages: the mock was asked to fail'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'The requested resource could not be found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

let counter = 0;

export function anthropicErrorBody(status: number, message?: string): string {
  const [type, text] = ERRORS[status] ?? ['api_error', `The mock failed with HTTP ${status}.`];
  return JSON.stringify({ type: 'error', error: { type, message: message ?? text }, request_id: `req_mock${counter}` });
}

function blocksText(content: string | Block[] | undefined): { text: string; images: number } {
  if (typeof content === 'string') return { text: content, images: 0 };
  let text = '';
  let images = 0;
  for (const block of content ?? []) {
    if (block.type === 'text') text += block.text ?? '';
    if (block.type === 'image') images += 1;
    if (block.type === 'tool_result') text += blocksText(block.content as string | Block[] | undefined).text;
  }
  return { text, images };
}

function summarize(body: AnthropicBody): PromptSummary {
  const system = blocksText(body.system).text;
  const summary: PromptSummary = {
    lastUserText: '',
    systemText: system,
    imageCount: 0,
    toolResult: undefined,
    promptChars: system.length,
    tools: [],
  };
  const messages = body.messages ?? [];
  for (const message of messages) {
    const { text, images } = blocksText(message.content);
    summary.promptChars += text.length;
    if (message.role === 'user') {
      summary.lastUserText = text;
      summary.imageCount += images;
    }
  }
  const last = messages[messages.length - 1]?.content;
  const results = Array.isArray(last) ? last.filter((block) => block.type === 'tool_result') : [];
  if (results.length > 0) summary.toolResult = results.map((block) => blocksText(block.content as string | Block[]).text).join(' | ');
  summary.tools = (body.tools ?? []).map((tool) => ({ name: tool.name ?? 'tool', schema: tool.input_schema }));
  return summary;
}

/** input_tokens excludes cache reads and writes; thinking tokens are inside output_tokens. */
function wireUsage(usage: MockUsage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: usage.prompt - usage.cached - usage.cacheWrite - usage.cacheWrite1h,
    cache_creation_input_tokens: usage.cacheWrite + usage.cacheWrite1h,
    cache_read_input_tokens: usage.cached,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWrite, ephemeral_1h_input_tokens: usage.cacheWrite1h },
    output_tokens: outputTokens === 0 ? 0 : outputTokens + usage.reasoning,
    service_tier: 'standard',
  };
}

function content(answer: Answer, id: string): Array<Record<string, unknown>> {
  if (answer.kind === 'text') return [{ type: 'text', text: answer.text }];
  return [
    { type: 'text', text: answer.preface },
    { type: 'tool_use', id: `toolu_${id}`, name: answer.name, input: answer.args },
  ];
}

/** The `content` of a `bad-*` message (undefined: leave it out; null: well-formed). */
function malformedContent(behaviour: Behaviour, text: string): unknown {
  switch (behaviour.malformed) {
    case 'no-choices':
    case 'null-choice':
      return [null];
    case 'no-delta':
    case 'no-message':
      return undefined;
    case 'array-content':
      return text;
    default:
      return null;
  }
}

function message(body: AnthropicBody, answer: Answer, usage: MockUsage, behaviour: Behaviour, id: string): string {
  const bad = malformedContent(behaviour, answer.kind === 'text' ? answer.text : answer.preface);
  const noUsage = behaviour.noUsage || behaviour.malformed === 'array-content';
  return JSON.stringify({
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    ...(bad === undefined ? {} : { content: bad === null ? content(answer, id) : bad }),
    stop_reason: answer.kind === 'tool' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    ...(noUsage ? {} : { usage: wireUsage(usage, behaviour.malformed === 'zero-output' ? 0 : usage.completion) }),
  });
}

const frame = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const OVERLOADED = `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;

function streamFrames(body: AnthropicBody, answer: Answer, usage: MockUsage, behaviour: Behaviour, id: string): string[] {
  if (behaviour.stream === 'error-first') return [OVERLOADED];
  const start = {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  const frames = [frame('message_start', { message: behaviour.noUsage ? start : { ...start, usage: wireUsage(usage, 1) } })];
  const text = answer.kind === 'text' ? answer.pieces : [answer.preface];
  frames.push(frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), frame('ping', {}));
  for (const piece of text) frames.push(frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  frames.push(frame('content_block_stop', { index: 0 }));
  if (answer.kind === 'tool') {
    frames.push(
      frame('content_block_start', { index: 1, content_block: { type: 'tool_use', id: `toolu_${id}`, name: answer.name, input: {} } }),
    );
    for (const piece of answer.argPieces)
      frames.push(frame('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: piece } }));
    frames.push(frame('content_block_stop', { index: 1 }));
  }
  if (behaviour.stream === 'error') return [...frames.slice(0, 4), OVERLOADED];
  const delta = { stop_reason: answer.kind === 'tool' ? 'tool_use' : 'end_turn', stop_sequence: null };
  const outputTokens = behaviour.malformed === 'zero-output' ? 0 : usage.completion + usage.reasoning;
  frames.push(frame('message_delta', behaviour.noUsage ? { delta } : { delta, usage: { output_tokens: outputTokens } }));
  frames.push(frame('message_stop', {}));
  if (behaviour.malformed !== undefined) return withMalformedEvent(frames, behaviour, badEvent(behaviour));
  // Anthropic sends message_start, the first block's start and a ping together; only deltas trickle.
  return behaviour.stream === 'slow' ? [frames.slice(0, 3).join(''), ...frames.slice(3)] : frames;
}

/** The one bad event of a `bad-*` stream (undefined: the mode breaks something else). */
function badEvent(behaviour: Behaviour): string | undefined {
  switch (behaviour.malformed) {
    case 'no-choices':
    case 'null-choice':
      return frame('content_block_start', { index: 0, content_block: null });
    case 'no-delta':
    case 'no-message':
    case 'array-content':
      return frame('content_block_delta', { index: 0 });
    default:
      return undefined;
  }
}

function requestError(req: IncomingMessage, body: AnthropicBody): [number, string] | undefined {
  const key = req.headers['x-api-key'];
  if (key === undefined || key === '') return [401, anthropicErrorBody(401, 'x-api-key header is required')];
  if (key === 'bad-key') return [401, anthropicErrorBody(401)];
  if (req.headers['anthropic-version'] === undefined) return [400, anthropicErrorBody(400, 'anthropic-version: header is required')];
  if (typeof body.max_tokens !== 'number') return [400, anthropicErrorBody(400, 'max_tokens: Field required')];
  return undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
  counter += 1;
  if (req.method !== 'POST' || recorded.path !== '/v1/messages') return sendJson(res, 404, anthropicErrorBody(404));
  const body = (recorded.body ?? {}) as AnthropicBody;
  const refused = requestError(req, body);
  if (refused !== undefined) return sendJson(res, refused[0], refused[1]);
  const behaviour = behaviourOf(body.model ?? '', req.headers);
  if (behaviour.slowHeadersMs !== undefined) await sleep(behaviour.slowHeadersMs);
  if (res.destroyed) return;
  if (behaviour.echoKey !== undefined) {
    return sendKeyEcho(res, behaviour, String(req.headers['x-api-key']), (text) => anthropicErrorBody(401, text));
  }
  if (behaviour.failStatus !== undefined) {
    const headers: Record<string, string> =
      behaviour.failStatus === 429 ? { 'retry-after': '7', 'anthropic-ratelimit-requests-remaining': '0' } : {};
    return sendJson(res, behaviour.failStatus, anthropicErrorBody(behaviour.failStatus), headers);
  }
  const summary = summarize(body);
  const answer = scriptAnswer(summary, behaviour);
  const usage = usageOf(summary, answer, behaviour);
  const id = `mock${counter}`;
  if (body.stream === true) {
    if (behaviour.malformed === 'empty') return sendEmptyStream(res);
    return sendEventStream(res, streamFrames(body, answer, usage, behaviour, id), behaviour.stream, behaviour.intervalMs);
  }
  const json = message(body, answer, usage, behaviour, id);
  if (behaviour.stream === 'cut' || behaviour.stream === 'cut-start') return sendCutJson(res, json);
  if (sendMalformedJson(res, behaviour, json)) return;
  sendJson(res, 200, json, { 'request-id': `req_${id}` });
}

/** Starts the mock; configure `url` (…/v1) as the provider's base URL. */
export function startMockAnthropic(options?: MockOptions): Promise<MockProvider> {
  return startMockServer('/v1', handle, options);
}
