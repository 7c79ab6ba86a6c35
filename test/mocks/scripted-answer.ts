/**
 * What the mocks answer, independent of wire format: an echo of the last user message (plus the system
 * prompt and image count, so tests can see they arrived), a tool call, or a reply to a tool result.
 */
import type { ServerResponse } from 'node:http';
import type { Behaviour, StreamMode } from './behaviour.js';
import { sleep } from './mock-server.js';

/** What a provider mock read from the request, in provider-neutral terms. */
export type PromptSummary = {
  lastUserText: string;
  systemText: string;
  imageCount: number;
  /** The last turn's tool result, when the conversation ends with one. */
  toolResult: string | undefined;
  /** All prompt text, for a token count. */
  promptChars: number;
  tools: Array<{ name: string; schema: unknown }>;
};

export type Answer =
  | { kind: 'text'; text: string; pieces: string[] }
  | { kind: 'tool'; preface: string; name: string; argsJson: string; args: Record<string, unknown>; argPieces: string[] };

/**
 * What a mock reports, by bucket: `prompt` is every prompt token (cache reads and writes included),
 * `completion` the visible answer's tokens, `reasoning` the thinking tokens beside it (each mock puts them
 * where its provider does).
 */
export type MockUsage = { prompt: number; completion: number; cached: number; cacheWrite: number; cacheWrite1h: number; reasoning: number };

const SLOW_STREAM_CHUNKS = 20;
const ECHO_MAX_CHARS = 200;

/** Splits text into word-sized pieces that concatenate back to it. */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

export function answerText(summary: PromptSummary): string {
  if (summary.toolResult !== undefined) return `The tool said: ${summary.toolResult}`;
  let text = `Echo: ${summary.lastUserText.slice(0, ECHO_MAX_CHARS)}`;
  if (summary.systemText !== '') text += ` [system: ${summary.systemText.slice(0, ECHO_MAX_CHARS)}]`;
  if (summary.imageCount > 0) text += ` [images: ${summary.imageCount}]`;
  return text;
}

/** Arguments that satisfy a simple JSON Schema: strings "Paris", numbers 1, booleans true. */
function argsFor(schema: unknown): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {};
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const type = String(property?.type ?? 'string').toLowerCase();
    args[name] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'string' ? 'Paris' : null;
  }
  return args;
}

export function scriptAnswer(summary: PromptSummary, behaviour: Behaviour): Answer {
  const tool = summary.tools[0];
  if (behaviour.tools && tool !== undefined && summary.toolResult === undefined) {
    const args = argsFor(tool.schema);
    const argsJson = JSON.stringify(args);
    const argPieces = argsJson.length <= 4 ? [argsJson] : [argsJson.slice(0, 2), argsJson.slice(2, -2), argsJson.slice(-2)];
    return { kind: 'tool', preface: 'Let me check.', name: tool.name, argsJson, args, argPieces };
  }
  if (behaviour.stream === 'slow' || behaviour.chunks !== undefined) {
    const ticks = Array.from({ length: behaviour.chunks ?? SLOW_STREAM_CHUNKS }, (_, i) => `tick${i + 1} `);
    return { kind: 'text', text: ticks.join(''), pieces: ticks };
  }
  const text = answerText(summary);
  return { kind: 'text', text, pieces: pieces(text) };
}

/** About four characters per token, as tokenizers average on English. */
export function usageOf(summary: PromptSummary, answer: Answer, behaviour: Behaviour): MockUsage {
  const prompt = behaviour.promptTokens ?? Math.ceil(summary.promptChars / 4) + 8;
  const output = answer.kind === 'text' ? answer.text : answer.preface + answer.argsJson;
  const completion = Math.max(1, Math.ceil(output.length / 4));
  return {
    prompt,
    completion,
    cached: behaviour.cached ? Math.floor(prompt / 2) : 0,
    cacheWrite: behaviour.cacheWrite ? Math.floor(prompt / 4) : 0,
    cacheWrite1h: behaviour.cacheWrite1h ? Math.floor(prompt / 8) : 0,
    reasoning: behaviour.reasoning ? 3 * completion : 0,
  };
}

/**
 * Writes an SSE response: all at once (`normal`, `error`, `error-first`), one frame per interval
 * (`slow`), three frames then a destroyed socket (`cut`), or headers then a destroyed socket (`cut-start`).
 */
export async function sendEventStream(res: ServerResponse, frames: readonly string[], mode: StreamMode, intervalMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  if (mode === 'cut-start' || mode === 'cut') {
    if (mode === 'cut') res.write(frames.slice(0, 3).join(''));
    else res.flushHeaders();
    const socket = res.socket;
    socket?.write('', () => socket.destroy());
    return;
  }
  if (mode !== 'slow') {
    res.end(frames.join(''));
    return;
  }
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    await sleep(intervalMs);
  }
  res.end();
}

/** Non-streaming `cut-stream`: half of the JSON body, then a destroyed socket. */
export function sendCutJson(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(body.slice(0, Math.floor(body.length / 2)));
  const socket = res.socket;
  socket?.write('', () => socket.destroy());
}
