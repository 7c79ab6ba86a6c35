/**
 * Token counting for reservations and for usage no provider reported. o200k_base (OpenAI's current
 * encoding) through gpt-tokenizer, ~8× faster than js-tiktoken here (about 28 µs per KiB of text).
 * Other providers' tokenizers differ by a few per cent: the reservation's safety margin covers that.
 */
import { createRequire } from 'node:module';
import { CHAT_FIELDS } from '../providers/field-policy.js';
import type { ChatContentPart, ChatMessage, ChatRequest } from '../providers/types.js';

type Tokenizer = typeof import('gpt-tokenizer/encoding/o200k_base');
let tokenizer: Tokenizer | undefined;

/**
 * The o200k tables cost ~70 MB of memory and ~0.25 s to load, and most calls never need a count (the provider
 * reports usage, the reservation holds the byte bound): they are loaded on the first count, synchronously.
 */
function countTokens(text: string): number {
  tokenizer ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as Tokenizer;
  return tokenizer.countTokens(text);
}

/** Whether this process has loaded the tokenizer (a count was needed). */
export function tokenizerLoaded(): boolean {
  return tokenizer !== undefined;
}

/** Per-message framing tokens in OpenAI's chat format (role, separators). */
const TOKENS_PER_MESSAGE = 4;
/** An image part is counted as a large high-detail image (Anthropic bills up to ~1,600). */
const TOKENS_PER_IMAGE = 1_600;
/** Reservations must not under-estimate: tokenizers of other providers run a few per cent higher. */
const RESERVE_MARGIN_NUMERATOR = 11;
const RESERVE_MARGIN_DENOMINATOR = 10;
const RESERVE_MARGIN_FIXED = 16;

/**
 * gpt-tokenizer's BPE is quadratic in the length of one pre-token: 80 KB of "x" took 14 s, a megabyte
 * hours, blocking the event loop. Runs of 256 or more non-space characters (base64, minified
 * JSON, repeated characters) are therefore counted in pieces of RUN_PIECE_CHARS: linear, and within about
 * 1 % of the whole-run count on base64 and JSON.
 */
const LONG_RUN = /\S{256,}/g;
const RUN_PIECE_CHARS = 128;

export function countText(text: string): number {
  if (text.length < 256) return text.length === 0 ? 0 : countTokens(text);
  let tokens = 0;
  let end = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    if (match.index > end) tokens += countTokens(text.slice(end, match.index));
    const run = match[0];
    for (let i = 0; i < run.length; i += RUN_PIECE_CHARS) tokens += countTokens(run.slice(i, i + RUN_PIECE_CHARS));
    end = match.index + run.length;
  }
  if (end < text.length) tokens += countTokens(text.slice(end));
  return tokens;
}

/**
 * Prompt counting is bounded in time. On ordinary text gpt-tokenizer does about 0.1 ms per KiB (a
 * megabyte of prose in ~115 ms), but on hostile text (random words, base64) 5–14 µs per character: a 20 MB
 * body blocked the event loop for minutes. The first EXACT_CHARS are always counted exactly (small
 * prompts and tests stay deterministic); after that, counting goes on in chunks while the call is under
 * EXACT_BUDGET_MS, and the rest is bounded by its UTF-8 bytes (every token is at least one byte, so the
 * reservation never falls short; only prompts beyond 1–2 MB of prose, 250k+ tokens, are over-estimated).
 * Worst case about 0.3 s per call, whatever the body.
 */
const EXACT_CHARS = 4_096;
const EXACT_BUDGET_MS = 200;
const CHUNK_CHARS = 4_096;

type CountBudget = { exactChars: number; deadlineMs: number };

function countPromptText(text: string, budget: CountBudget): number {
  let tokens = 0;
  let start = 0;
  while (start < text.length) {
    if (budget.exactChars <= 0 && performance.now() >= budget.deadlineMs) {
      return tokens + Buffer.byteLength(start === 0 ? text : text.slice(start), 'utf8');
    }
    let end = Math.min(start + CHUNK_CHARS, text.length);
    // Cut before a space: the next word keeps its leading space and counts as it does in the whole text.
    const space = end < text.length ? text.lastIndexOf(' ', end) : -1;
    if (space > start) end = space;
    tokens += countText(start === 0 && end === text.length ? text : text.slice(start, end));
    budget.exactChars -= end - start;
    start = end;
  }
  return tokens;
}

/**
 * Top-level fields that reach no model as prompt text. Every other field is counted, unknown ones
 * included: tools and their schemas, response_format, legacy functions, prediction, and whatever an
 * OpenAI-kind provider may read from a pass-through field.
 */
/** The documented fields that carry text the model reads (schemas, instructions, predicted output). */
const PROMPT_FIELDS: ReadonlySet<string> = new Set([
  'tools',
  'tool_choice',
  'response_format',
  'audio',
  'prediction',
  'web_search_options',
  'functions',
  'function_call',
]);
const NON_PROMPT_FIELDS: ReadonlySet<string> = new Set(CHAT_FIELDS.filter((field) => !PROMPT_FIELDS.has(field)));

/** A free-form value's tokens: its text, or its JSON (the body was bounded in depth at the edge). */
function valueTokens(value: unknown, budget: CountBudget): number {
  if (value === undefined || value === null) return 0;
  return countPromptText(typeof value === 'string' ? value : JSON.stringify(value), budget);
}

function partTokens(part: ChatContentPart, budget: CountBudget): number {
  if (part.type === 'text' && typeof part.text === 'string') return countPromptText(part.text, budget);
  if (part.type === 'image_url' || part.type === 'input_image' || part.type === 'image') return TOKENS_PER_IMAGE;
  return valueTokens(part, budget);
}

/** Content plus every other field of the message (name, tool_calls, tool_call_id, refusal…), role aside. */
function messageTokens(message: ChatMessage, budget: CountBudget): number {
  let tokens = TOKENS_PER_MESSAGE;
  for (const [field, value] of Object.entries(message)) {
    if (field === 'role') continue;
    if (field === 'content' && Array.isArray(value)) {
      for (const part of value as ChatContentPart[]) tokens += partTokens(part, budget);
    } else tokens += valueTokens(value, budget);
  }
  return tokens;
}

function promptTokens(body: ChatRequest, budget: CountBudget): number {
  let tokens = 3; // every reply is primed with the assistant role
  for (const message of body.messages) tokens += messageTokens(message, budget);
  for (const [field, value] of Object.entries(body)) {
    if (!NON_PROMPT_FIELDS.has(field)) tokens += valueTokens(value, budget);
  }
  return tokens;
}

/** Best estimate of the prompt's tokens (used as usage when the provider reports none), bounded in time as above. */
export function estimatePromptTokens(body: ChatRequest): number {
  return promptTokens(body, { exactChars: EXACT_CHARS, deadlineMs: performance.now() + EXACT_BUDGET_MS });
}

/**
 * An upper bound of the prompt's tokens without the tokenizer: the same walk with every text counted by its
 * UTF-8 bytes (a token is at least one byte). About 4× the count on English prose, for a few µs.
 */
export function promptTokenBound(body: ChatRequest): number {
  return promptTokens(body, { exactChars: 0, deadlineMs: Number.NEGATIVE_INFINITY });
}

/**
 * A request's prompt tokens: the cheap bound at once, the tokenizer's count only when something reads it (a
 * tpm limit, a reservation the bound would not fit, a provider that reports no usage). Counted at most once.
 */
export class PromptTokens {
  readonly bound: number;
  private counted: number | undefined;

  constructor(private readonly body: ChatRequest) {
    this.bound = promptTokenBound(body);
  }

  get estimate(): number {
    if (this.counted === undefined) this.counted = Math.min(estimatePromptTokens(this.body), this.bound);
    return this.counted;
  }
}

/** The prompt estimate with the safety margin, for reservations and tpm admission. */
export function reservePromptTokens(estimate: number): number {
  return Math.ceil((estimate * RESERVE_MARGIN_NUMERATOR) / RESERVE_MARGIN_DENOMINATOR) + RESERVE_MARGIN_FIXED;
}
