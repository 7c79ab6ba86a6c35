/**
 * The mock OpenAI server's Responses API (platform.openai.com/docs/api-reference/responses): `POST /v1/responses`
 * answers a `response` object, or (with `stream: true`) OpenAI's typed SSE events, each `event: <type>` with a
 * `sequence_number`, ending with `response.completed` (no `[DONE]`). Behaviour tokens as for chat (tools,
 * no-usage, cached, reasoning, fail-NNN, slow-stream, cut-stream, stream-error: an error event after the first delta). A `previous_response_id` is
 * refused: the gateway keeps conversations itself and must send the whole conversation instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { behaviourOf } from './behaviour.js';
import { type RecordedRequest, sendJson } from './mock-server.js';
import { type Answer, type MockUsage, type PromptSummary, scriptAnswer, sendEventStream, usageOf } from './scripted-answer.js';

type Item = { type?: string; role?: string; content?: unknown; output?: unknown };
type ResponsesBody = {
  model?: string;
  input?: string | Item[];
  instructions?: string;
  stream?: boolean;
  store?: boolean;
  previous_response_id?: string;
  tools?: Array<{ type?: string; name?: string; parameters?: unknown }>;
};

function textOf(content: unknown): { text: string; images: number } {
  if (typeof content === 'string') return { text: content, images: 0 };
  let text = '';
  let images = 0;
  for (const part of Array.isArray(content) ? (content as Array<{ type?: string; text?: string }>) : []) {
    if (part.type === 'input_text' || part.type === 'output_text') text += part.text ?? '';
    if (part.type === 'input_image') images += 1;
  }
  return { text, images };
}

function summarize(body: ResponsesBody): PromptSummary {
  const summary: PromptSummary = {
    lastUserText: '',
    systemText: body.instructions ?? '',
    imageCount: 0,
    toolResult: undefined,
    promptChars: 0,
    tools: [],
  };
  summary.promptChars += summary.systemText.length;
  const items: Item[] = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body.input ?? []);
  for (const item of items) {
    const { text, images } = textOf(item.type === 'function_call_output' ? item.output : item.content);
    summary.promptChars += text.length;
    if (item.role === 'system' || item.role === 'developer') summary.systemText += text;
    if (item.role === 'user') {
      summary.lastUserText = text;
      summary.imageCount += images;
    }
  }
  const last = items[items.length - 1];
  if (last?.type === 'function_call_output') summary.toolResult = textOf(last.output).text;
  summary.tools = (body.tools ?? []).map((tool) => ({ name: tool.name ?? 'tool', schema: tool.parameters }));
  return summary;
}

function wireUsage(usage: MockUsage, reported: boolean): Record<string, unknown> | null {
  if (!reported) return null;
  // Like chat: reasoning is counted inside output_tokens; cached tokens inside input_tokens.
  return {
    input_tokens: usage.prompt,
    input_tokens_details: { cached_tokens: usage.cached },
    output_tokens: usage.completion + usage.reasoning,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: usage.prompt + usage.completion + usage.reasoning,
  };
}

function outputItem(answer: Answer, id: string, status: string): Record<string, unknown> {
  if (answer.kind === 'text') {
    return {
      id: `msg_${id}`,
      type: 'message',
      status,
      role: 'assistant',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: answer.text }],
    };
  }
  return { id: `fc_${id}`, type: 'function_call', status, arguments: answer.argsJson, call_id: `call_${id}`, name: answer.name };
}

function responseObject(body: ResponsesBody, id: string, status: string, output: unknown[], usage: Record<string, unknown> | null) {
  return {
    id: `resp_${id}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: null,
    model: body.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  };
}

/** The typed events of one streamed answer, as OpenAI sends them. */
function streamFrames(body: ResponsesBody, answer: Answer, usage: Record<string, unknown> | null, id: string): string[] {
  let sequence = 0;
  const frame = (type: string, payload: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`;
  const frames = [
    frame('response.created', { response: responseObject(body, id, 'in_progress', [], null) }),
    frame('response.in_progress', { response: responseObject(body, id, 'in_progress', [], null) }),
  ];
  const done = outputItem(answer, id, 'completed');
  const itemId = done.id as string;
  if (answer.kind === 'text') {
    frames.push(frame('response.output_item.added', { output_index: 0, item: { ...done, status: 'in_progress', content: [] } }));
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    frames.push(frame('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part }));
    for (const piece of answer.pieces) {
      frames.push(frame('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: piece, logprobs: [] }));
    }
    frames.push(
      frame('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: answer.text, logprobs: [] }),
    );
    frames.push(
      frame('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text: answer.text } }),
    );
  } else {
    frames.push(frame('response.output_item.added', { output_index: 0, item: { ...done, status: 'in_progress', arguments: '' } }));
    for (const piece of answer.argPieces) {
      frames.push(frame('response.function_call_arguments.delta', { item_id: itemId, output_index: 0, delta: piece }));
    }
    frames.push(frame('response.function_call_arguments.done', { item_id: itemId, output_index: 0, arguments: answer.argsJson }));
  }
  frames.push(frame('response.output_item.done', { output_index: 0, item: done }));
  frames.push(frame('response.completed', { response: responseObject(body, id, 'completed', [done], usage) }));
  return frames;
}

/** OpenAI's mid-stream error event: flat, not wrapped in `error`. */
const errorEvent = (sequence: number) =>
  `event: error\ndata: ${JSON.stringify({ type: 'error', sequence_number: sequence, code: 'server_error', message: 'The server had an error while processing your request.', param: null })}\n\n`;

let counter = 0;

export async function handleResponses(
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest,
  errorBody: (status: number) => string,
): Promise<void> {
  const body = (recorded.body ?? {}) as ResponsesBody;
  if (body.previous_response_id !== undefined) {
    const error = {
      message: `Previous response with id '${body.previous_response_id}' not found.`,
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    };
    return sendJson(res, 400, JSON.stringify({ error }));
  }
  const behaviour = behaviourOf(body.model ?? '', req.headers);
  if (behaviour.failStatus !== undefined) {
    const headers: Record<string, string> = behaviour.failStatus === 429 ? { 'retry-after': '7' } : {};
    return sendJson(res, behaviour.failStatus, errorBody(behaviour.failStatus), headers);
  }
  const summary = summarize(body);
  const answer = scriptAnswer(summary, behaviour);
  const usage = wireUsage(usageOf(summary, answer, behaviour), !behaviour.noUsage);
  counter += 1;
  const id = `mockr${counter}`;
  if (body.stream === true) {
    const frames = streamFrames(body, answer, usage, id);
    const sent = behaviour.stream === 'error' ? [...frames.slice(0, 5), errorEvent(5)] : frames;
    return sendEventStream(res, sent, behaviour.stream === 'error' ? 'normal' : behaviour.stream, behaviour.intervalMs);
  }
  sendJson(res, 200, JSON.stringify(responseObject(body, id, 'completed', [outputItem(answer, id, 'completed')], usage)));
}
