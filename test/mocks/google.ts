/**
 * A mock Gemini API (ai.google.dev/api/generate-content): `POST /v1beta/models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse` (`data: {...}\r\n\r\n` frames), the key in `x-goog-api-key`
 * (or `?key=`), usageMetadata, and Google's error bodies — a refused key is the real 400 API_KEY_INVALID.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Behaviour, behaviourOf } from './behaviour.js';
import { sendEmptyStream, sendKeyEcho, sendMalformedJson, withMalformedEvent } from './malformed.js';
import { type MockOptions, type MockProvider, type RecordedRequest, sendJson, sleep, startMockServer } from './mock-server.js';
import { type Answer, type MockUsage, type PromptSummary, scriptAnswer, sendCutJson, sendEventStream, usageOf } from './scripted-answer.js';

type Part = { text?: string; inlineData?: unknown; fileData?: unknown; functionResponse?: { response?: unknown } };
type GeminiBody = {
  contents?: Array<{ role?: string; parts?: Part[] }>;
  systemInstruction?: { parts?: Part[] };
  tools?: Array<{ functionDeclarations?: Array<{ name?: string; parameters?: unknown }> }>;
  generationConfig?: { candidateCount?: number };
};

const STATUSES: Readonly<Record<number, [status: string, message: string]>> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'models/mock is not found for API version v1beta, or is not supported for generateContent.'],
  429: ['RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.'],
  500: [
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  ],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'The request timed out. Please try again.'],
};

export function googleErrorBody(status: number): string {
  const [code, message] = STATUSES[status] ?? ['UNKNOWN', `The mock failed with HTTP ${status}.`];
  const details = status === 429 ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] : undefined;
  return JSON.stringify({ error: { code: status, message, status: code, ...(details ? { details } : {}) } });
}

const BAD_KEY_BODY = JSON.stringify({
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ],
  },
});

const NO_KEY_BODY = JSON.stringify({
  error: {
    code: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    status: 'PERMISSION_DENIED',
  },
});

function partsText(parts: Part[] | undefined): { text: string; images: number } {
  let text = '';
  let images = 0;
  for (const part of parts ?? []) {
    if (part.text !== undefined) text += part.text;
    if (part.inlineData !== undefined || part.fileData !== undefined) images += 1;
  }
  return { text, images };
}

function summarize(body: GeminiBody): PromptSummary {
  const system = partsText(body.systemInstruction?.parts).text;
  const summary: PromptSummary = {
    lastUserText: '',
    systemText: system,
    imageCount: 0,
    toolResult: undefined,
    promptChars: system.length,
    tools: [],
  };
  const contents = body.contents ?? [];
  for (const content of contents) {
    const { text, images } = partsText(content.parts);
    summary.promptChars += text.length;
    if (content.role === 'user' && text !== '') summary.lastUserText = text;
    if (content.role === 'user') summary.imageCount += images;
  }
  const responses = (contents[contents.length - 1]?.parts ?? []).filter((part) => part.functionResponse !== undefined);
  if (responses.length > 0) summary.toolResult = responses.map((part) => JSON.stringify(part.functionResponse?.response)).join(' | ');
  summary.tools = (body.tools ?? []).flatMap((tool) =>
    (tool.functionDeclarations ?? []).map((declaration) => ({ name: declaration.name ?? 'tool', schema: declaration.parameters })),
  );
  return summary;
}

function usageMetadata(usage: MockUsage, completion = usage.completion): Record<string, unknown> {
  return {
    promptTokenCount: usage.prompt,
    candidatesTokenCount: completion,
    totalTokenCount: usage.prompt + completion + usage.reasoning,
    ...(usage.cached > 0 ? { cachedContentTokenCount: usage.cached } : {}),
    // Thinking tokens are beside candidatesTokenCount, not inside it.
    ...(usage.reasoning > 0 ? { thoughtsTokenCount: usage.reasoning } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.prompt }],
  };
}

function answerParts(answer: Answer): Array<Record<string, unknown>> {
  if (answer.kind === 'text') return [{ text: answer.text }];
  return [{ functionCall: { name: answer.name, args: answer.args } }];
}

/** The `candidates` of a `bad-*` response (undefined: leave them out; null: well-formed). */
function malformedCandidates(behaviour: Behaviour, text: string): unknown {
  switch (behaviour.malformed) {
    case 'no-choices':
      return undefined;
    case 'null-choice':
      return [null];
    case 'no-delta':
    case 'no-message':
      return [{ content: { parts: 'oops', role: 'model' }, finishReason: 'STOP', index: 0 }];
    case 'array-content':
      return [{ content: { parts: [{ text: [text] }], role: 'model' }, finishReason: 'STOP', index: 0 }];
    default:
      return null;
  }
}

function response(model: string, answer: Answer, usage: MockUsage, behaviour: Behaviour, body: GeminiBody, id: string): string {
  const count = Math.max(1, body.generationConfig?.candidateCount ?? 1);
  const candidates = Array.from({ length: count }, (_, index) => ({
    content: { parts: answerParts(answer), role: 'model' },
    finishReason: 'STOP',
    index,
  }));
  const bad = malformedCandidates(behaviour, answer.kind === 'text' ? answer.text : answer.preface);
  const noUsage = behaviour.noUsage || behaviour.malformed === 'array-content';
  return JSON.stringify({
    ...(bad === undefined ? {} : { candidates: bad === null ? candidates : bad }),
    ...(noUsage ? {} : { usageMetadata: usageMetadata(usage, behaviour.malformed === 'zero-output' ? 0 : usage.completion) }),
    modelVersion: model,
    responseId: id,
  });
}

/** The one bad event of a `bad-*` stream (undefined: the mode breaks something else). */
function badFrame(behaviour: Behaviour, model: string): string | undefined {
  const frame = (candidates: unknown): string => `data: ${JSON.stringify({ candidates, modelVersion: model })}\r\n\r\n`;
  switch (behaviour.malformed) {
    case 'no-choices':
      return frame('oops');
    case 'null-choice':
      return frame([null]);
    case 'no-delta':
    case 'no-message':
    case 'array-content':
      return frame([{ content: { parts: [null], role: 'model' }, index: 0 }]);
    default:
      return undefined;
  }
}

const UNAVAILABLE_FRAME = `data: ${googleErrorBody(503)}\r\n\r\n`;

function streamFrames(model: string, answer: Answer, usage: MockUsage, behaviour: Behaviour, id: string): string[] {
  if (behaviour.stream === 'error-first') return [UNAVAILABLE_FRAME];
  const frame = (parts: Array<Record<string, unknown>>, last: boolean, completion: number): string => {
    const candidate = { content: { parts, role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 };
    const metadata = behaviour.noUsage ? {} : { usageMetadata: usageMetadata(usage, completion) };
    return `data: ${JSON.stringify({ candidates: [candidate], ...metadata, modelVersion: model, responseId: id })}\r\n\r\n`;
  };
  if (answer.kind === 'tool') return [frame([{ functionCall: { name: answer.name, args: answer.args } }], true, usage.completion)];
  const last = behaviour.malformed === 'zero-output' ? 0 : usage.completion;
  const frames = answer.pieces.map((piece, i) =>
    frame([{ text: piece }], i === answer.pieces.length - 1, i + 1 === answer.pieces.length ? last : i + 1),
  );
  if (behaviour.stream === 'error') return [...frames.slice(0, 2), UNAVAILABLE_FRAME];
  return behaviour.malformed === undefined ? frames : withMalformedEvent(frames, behaviour, badFrame(behaviour, model));
}

const PATH = /^\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)(\?.*)?$/;

function apiKey(req: IncomingMessage, path: string): string | undefined {
  const header = req.headers['x-goog-api-key'];
  if (typeof header === 'string') return header;
  return new URL(path, 'http://mock').searchParams.get('key') ?? undefined;
}

let counter = 0;

async function handle(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
  const match = PATH.exec(recorded.path);
  if (req.method !== 'POST' || match === null) return sendJson(res, 404, googleErrorBody(404));
  const key = apiKey(req, recorded.path);
  if (key === undefined || key === '') return sendJson(res, 403, NO_KEY_BODY);
  if (key === 'bad-key') return sendJson(res, 400, BAD_KEY_BODY);
  const model = decodeURIComponent(match[1] ?? '');
  const stream = match[2] === 'streamGenerateContent';
  const behaviour = behaviourOf(model, req.headers);
  if (behaviour.slowHeadersMs !== undefined) await sleep(behaviour.slowHeadersMs);
  if (res.destroyed) return;
  if (behaviour.echoKey !== undefined) {
    return sendKeyEcho(res, behaviour, key, (message) => JSON.stringify({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }));
  }
  if (behaviour.failStatus !== undefined) return sendJson(res, behaviour.failStatus, googleErrorBody(behaviour.failStatus));
  const body = (recorded.body ?? {}) as GeminiBody;
  const summary = summarize(body);
  const answer = scriptAnswer(summary, behaviour);
  const usage = usageOf(summary, answer, behaviour);
  counter += 1;
  const id = `mock${counter}`;
  if (stream) {
    // Without alt=sse Gemini streams a JSON array; the gateway always asks for SSE.
    if (!(match[3] ?? '').includes('alt=sse')) return sendJson(res, 400, googleErrorBody(400));
    if (behaviour.malformed === 'empty') return sendEmptyStream(res);
    return sendEventStream(res, streamFrames(model, answer, usage, behaviour, id), behaviour.stream, behaviour.intervalMs);
  }
  const json = response(model, answer, usage, behaviour, body, id);
  if (behaviour.stream === 'cut' || behaviour.stream === 'cut-start') return sendCutJson(res, json);
  if (sendMalformedJson(res, behaviour, json)) return;
  sendJson(res, 200, json);
}

/** Starts the mock; configure `url` (…/v1beta) as the provider's base URL. */
export function startMockGoogle(options?: MockOptions): Promise<MockProvider> {
  return startMockServer('/v1beta', handle, options);
}
