/**
 * An ingress format is a wire format clients speak to the gateway (Chat Completions, Responses, Messages).
 * It is an adapter like a provider, facing the other way: it turns a client's body into the internal
 * request (the validated Chat Completions shape every provider adapter reads), and the internal answer
 * (a completion, or a stream of completion chunks) back into its own wire format. Routing, admission,
 * fallback, settlement and logging live once in `../core/` and never see a wire format.
 */
import type { ApiError } from '../../http/errors.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  NativeCall,
  OpenAiUsage,
  ProviderKind,
  SseEvent,
  Usage,
} from '../providers/types.js';

/** The log row's `request_type`. */
export type RequestType = 'chat.completion' | 'response' | 'message';

/** One SSE frame as the client receives it: an `event:` line when `event` is set, then the `data:` line. */
export type SseFrame = { event?: string; data: string };

/** Whose request it is: stored state (e.g. a previous response) is scoped to exactly this pair. */
export type Caller = { platformId: string; endUserId: string | null };

export type IngressRequest = {
  /** The request in the internal shape every provider adapter translates from. */
  chat: ChatRequest;
  /** The client's `metadata` object, kept in the log row (null when absent). */
  metadata: unknown;
  /**
   * Fields of the client's request the translation to the internal shape could not keep, one sentence
   * each; written to the log row's `metadata.warnings` when a translated (not native) call answers.
   */
  warnings: string[];
  /**
   * The client's own body, for providers that speak this format natively: forwarded as it is (the model
   * replaced by the route's provider model id) instead of being translated.
   */
  native?: NativeCall;
};

/** What a renderer knows about the answer besides the completion itself. */
export type AnswerContext = {
  requestId: string;
  /** The model name the client asked for (answers echo it, never the provider's id). */
  model: string;
  /** Unix seconds when the request arrived. */
  createdAtS: number;
  /** The prompt token estimate, for formats that announce input tokens before the provider reports them. */
  promptEstimate: number;
};

export interface IngressFormat {
  readonly requestType: RequestType;
  /**
   * Validates the body and translates it: an ApiError 400 naming the field for anything invalid, or
   * that no provider could honour without changing the request's meaning. May read stored state.
   */
  parse(body: unknown, caller: Caller): IngressRequest | Promise<IngressRequest>;
  /** The non-streamed answer in this format. `usage` is the one billed; `request` is what `parse` returned. */
  renderJson(completion: ChatCompletion, usage: Usage, ctx: AnswerContext, request: IngressRequest): unknown;
  /** A native call's answer: the provider's own JSON, adjusted to what the client asked (e.g. its model name). */
  renderNativeJson?(json: Record<string, unknown>, ctx: AnswerContext, request: IngressRequest): unknown;
  /** A fresh renderer for one streamed answer. */
  createStream(ctx: AnswerContext, request: IngressRequest): IngressStream;
  /** The body of an error answer in this format (its HTTP status is the error's). */
  errorBody(err: ApiError, requestId: string): unknown;
  /**
   * Called once a successful answer is settled, with the object a non-streaming client received (for a
   * stream: the stream's `answer()`). Errors here are logged, never shown to the client.
   */
  afterAnswer?(caller: Caller, request: IngressRequest, answer: unknown): Promise<void>;
}

export interface IngressStream {
  /** Frames for one internal chunk (may be none, or several: e.g. a block start and its first delta). */
  chunk(chunk: ChatCompletionChunk, raw: string | undefined): SseFrame[];
  /** A native call: one upstream SSE event, relayed (possibly adjusted, e.g. the model name). */
  raw?(event: SseEvent): SseFrame[];
  /** Frames that end a successful stream; `usage` is the one billed, `wire` the provider's own (OpenAI shape). */
  finish(usage: Usage, wire: OpenAiUsage | null): SseFrame[];
  /** Frames that end a failed stream (after the first frame was sent). */
  fail(err: ApiError, requestId: string): SseFrame[];
  /** The whole answer as a non-streaming client would have received it, after `finish` (for `afterAnswer`). */
  answer?(): unknown;
}

export type { ProviderKind };
