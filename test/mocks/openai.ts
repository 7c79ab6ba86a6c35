/**
 * A mock OpenAI Chat Completions server (platform.openai.com/docs/api-reference/chat): `POST
 * /v1/chat/completions`, Bearer auth, `data: {...}\n\n` chunks ending with `data: [DONE]`, the usage
 * chunk (`choices: []`) when `stream_options.include_usage` is set, and OpenAI's error bodies. `POST
 * /v1/responses` speaks the Responses API (openai-responses.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Behaviour, behaviourOf } from './behaviour.js';
import { sendEmptyStream, sendKeyEcho, sendMalformedJson, withMalformedEvent } from './malformed.js';
import { type MockOptions, type MockProvider, type RecordedRequest, sendJson, sleep, startMockServer } from './mock-server.js';
import { handleResponses } from './openai-responses.js';
import { type Answer, type MockUsage, type PromptSummary, scriptAnswer, sendCutJson, sendEventStream, usageOf } from './scripted-answer.js';

type OpenAiMessage = { role?: string; content?: unknown; tool_calls?: unknown };
type OpenAiBody = {
  model?: string;
  messages?: OpenAiMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  n?: number;
  tools?: Array<{ function?: { name?: string; parameters?: unknown } }>;
};

const ERROR_TYPES: Readonly<Record<number, [type: string, code: string | null, message: string]>> = {
  400: ['invalid_request_error', null, "Invalid value for 'messages': the mock was asked to fail."],
  401: [
    'invalid_request_error',
    'invalid_api_key',
    'Incorrect API key provided: bad-key. You can find your API key at https://platform.openai.com/account/api-keys.',
  ],
  403: ['invalid_request_error', 'unsupported_country_region_territory', 'Country, region, or territory not supported'],
  404: ['invalid_request_error', 'model_not_found', 'The model `mock` does not exist or you do not have access to it.'],
  429: [
    'requests',
    'rate_limit_exceeded',
    'Rate limit reached for mock in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 7s.',
  ],
  500: ['server_error', null, 'The server had an error while processing your request. Sorry about that!'],
  503: ['server_error', null, 'The engine is currently overloaded, please try again later'],
};

export function openAiErrorBody(status: number): string {
  const [type, code, message] = ERROR_TYPES[status] ?? ['server_error', null, `The mock failed with HTTP ${status}.`];
  return JSON.stringify({ error: { message, type, param: null, code } });
}

function textOf(content: unknown): { text: string; images: number } {
  if (typeof content === 'string') return { text: content, images: 0 };
  let text = '';
  let images = 0;
  for (const part of Array.isArray(content) ? (content as Array<{ type?: string; text?: string }>) : []) {
    if (part.type === 'text') text += part.text ?? '';
    if (part.type === 'image_url') images += 1;
  }
  return { text, images };
}

function summarize(body: OpenAiBody): PromptSummary {
  const summary: PromptSummary = { lastUserText: '', systemText: '', imageCount: 0, toolResult: undefined, promptChars: 0, tools: [] };
  const messages = body.messages ?? [];
  for (const message of messages) {
    const { text, images } = textOf(message.content);
    summary.promptChars += text.length;
    if (message.role === 'system' || message.role === 'developer') summary.systemText += text;
    if (message.role === 'user') {
      summary.lastUserText = text;
      summary.imageCount += images;
    }
  }
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') summary.toolResult = textOf(last.content).text;
  summary.tools = (body.tools ?? []).map((tool) => ({ name: tool.function?.name ?? 'tool', schema: tool.function?.parameters }));
  return summary;
}

function wireUsage(usage: MockUsage): Record<string, unknown> {
  return {
    // OpenAI counts reasoning inside completion_tokens and reports no cache writes (its caching is free).
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion + usage.reasoning,
    total_tokens: usage.prompt + usage.completion + usage.reasoning,
    prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function message(answer: Answer, id: string): Record<string, unknown> {
  if (answer.kind === 'text') return { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
  return {
    role: 'assistant',
    content: null,
    refusal: null,
    annotations: [],
    tool_calls: [{ id: `call_${id}`, type: 'function', function: { name: answer.name, arguments: answer.argsJson } }],
  };
}

/** The choices of a `bad-*` completion, or undefined for a well-formed one. */
function malformedChoices(behaviour: Behaviour, text: string): unknown[] | null | undefined {
  switch (behaviour.malformed) {
    case 'no-choices':
      return null;
    case 'null-choice':
      return [null];
    case 'no-delta':
    case 'no-message':
      return [{ index: 0, logprobs: null, finish_reason: 'stop' }];
    case 'array-content':
      return [{ index: 0, message: { role: 'assistant', content: [{ type: 'text', text }] }, logprobs: null, finish_reason: 'stop' }];
    default:
      return undefined;
  }
}

function completion(body: OpenAiBody, answer: Answer, usage: MockUsage, behaviour: Behaviour, id: string): string {
  const choices = Array.from({ length: Math.max(1, body.n ?? 1) }, (_, index) => ({
    index,
    message: message(answer, id),
    logprobs: null,
    finish_reason: answer.kind === 'tool' ? 'tool_calls' : 'stop',
  }));
  const bad = malformedChoices(behaviour, answer.kind === 'text' ? answer.text : answer.preface);
  const noUsage = behaviour.noUsage || behaviour.malformed === 'array-content';
  const reported = behaviour.malformed === 'zero-output' ? { ...usage, completion: 0 } : usage;
  return JSON.stringify({
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    ...(bad === null ? {} : { choices: bad ?? choices }),
    ...(noUsage ? {} : { usage: wireUsage(reported) }),
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  });
}

function streamFrames(body: OpenAiBody, answer: Answer, usage: MockUsage, behaviour: Behaviour, id: string): string[] {
  const includeUsage = body.stream_options?.include_usage === true && !behaviour.noUsage;
  const head = {
    id: `chatcmpl-${id}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: 'fp_mock',
  };
  const frame = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) })}\n\n`;
  const frames: string[] = [];
  if (behaviour.stream === 'error-first') return [`data: ${openAiErrorBody(500)}\n\n`];
  if (answer.kind === 'text') {
    frames.push(frame({ role: 'assistant', content: '', refusal: null }));
    for (const piece of answer.pieces) frames.push(frame({ content: piece }));
  } else {
    const call = { index: 0, id: `call_${id}`, type: 'function', function: { name: answer.name, arguments: '' } };
    frames.push(frame({ role: 'assistant', content: null, tool_calls: [call] }));
    for (const piece of answer.argPieces) frames.push(frame({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  }
  if (behaviour.stream === 'error') return [...frames.slice(0, 3), `data: ${openAiErrorBody(500)}\n\n`];
  frames.push(frame({}, answer.kind === 'tool' ? 'tool_calls' : 'stop'));
  const reported = behaviour.malformed === 'zero-output' ? { ...usage, completion: 0 } : usage;
  if (includeUsage) frames.push(`data: ${JSON.stringify({ ...head, choices: [], usage: wireUsage(reported) })}\n\n`);
  frames.push('data: [DONE]\n\n');
  return behaviour.malformed === undefined ? frames : withMalformedEvent(frames, behaviour, badChunk(head, behaviour));
}

/** The one bad chunk of a `bad-*` stream (undefined: the mode breaks something else). */
function badChunk(head: Record<string, unknown>, behaviour: Behaviour): string | undefined {
  const chunk = (choices: unknown): string => `data: ${JSON.stringify({ ...head, ...(choices === undefined ? {} : { choices }) })}\n\n`;
  switch (behaviour.malformed) {
    case 'no-choices':
      return chunk(undefined);
    case 'null-choice':
      return chunk([null]);
    case 'no-delta':
    case 'no-message':
    case 'array-content':
      return chunk([{ index: 0, logprobs: null, finish_reason: null }]);
    default:
      return undefined;
  }
}

function authError(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) {
    return JSON.stringify({
      error: {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  }
  return header === 'Bearer bad-key' ? openAiErrorBody(401) : undefined;
}

let counter = 0;

async function handle(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
  if (req.method === 'POST' && recorded.path === '/v1/responses') {
    const unauthorized = authError(req);
    return unauthorized === undefined ? handleResponses(req, res, recorded, openAiErrorBody) : sendJson(res, 401, unauthorized);
  }
  if (req.method !== 'POST' || recorded.path !== '/v1/chat/completions') {
    const body = {
      error: { message: `Invalid URL (${req.method} ${recorded.path})`, type: 'invalid_request_error', param: null, code: null },
    };
    return sendJson(res, 404, JSON.stringify(body));
  }
  const unauthorized = authError(req);
  if (unauthorized !== undefined) return sendJson(res, 401, unauthorized);
  const body = (recorded.body ?? {}) as OpenAiBody;
  const behaviour = behaviourOf(body.model ?? '', req.headers);
  if (behaviour.slowHeadersMs !== undefined) await sleep(behaviour.slowHeadersMs);
  if (res.destroyed) return;
  if (behaviour.echoKey !== undefined) {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    return sendKeyEcho(res, behaviour, key, (message) =>
      JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }),
    );
  }
  if (behaviour.failStatus !== undefined) {
    const headers: Record<string, string> =
      behaviour.failStatus === 429 ? { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' } : {};
    return sendJson(res, behaviour.failStatus, openAiErrorBody(behaviour.failStatus), headers);
  }
  const summary = summarize(body);
  const answer = scriptAnswer(summary, behaviour);
  const usage = usageOf(summary, answer, behaviour);
  counter += 1;
  const id = `mock${counter}`;
  if (body.stream === true) {
    if (behaviour.malformed === 'empty') return sendEmptyStream(res);
    return sendEventStream(res, streamFrames(body, answer, usage, behaviour, id), behaviour.stream, behaviour.intervalMs);
  }
  const json = completion(body, answer, usage, behaviour, id);
  if (behaviour.stream === 'cut' || behaviour.stream === 'cut-start') return sendCutJson(res, json);
  if (sendMalformedJson(res, behaviour, json)) return;
  sendJson(res, 200, json);
}

/** Starts the mock; configure `url` (…/v1) as the provider's base URL. */
export function startMockOpenAI(options?: MockOptions): Promise<MockProvider> {
  return startMockServer('/v1', handle, options);
}
