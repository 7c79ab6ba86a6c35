/**
 * The one interface every provider adapter implements. Adapters are pure transforms between the
 * gateway's lingua franca (OpenAI Chat Completions) and a provider's wire format: they never do I/O,
 * never import Fastify, and never name another provider. The shared upstream client does the HTTP.
 */

export type ProviderKind = 'openai' | 'anthropic' | 'google';

/**
 * An OpenAI Chat Completions request body, already validated at the edge by `parseChatRequest` (unknown
 * fields kept). Optional fields may be null, as OpenAI allows.
 */
export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  tools?: ChatTool[] | null;
  tool_choice?: unknown;
  stream_options?: { include_usage?: boolean } | null;
  [field: string]: unknown;
};

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: string; [field: string]: unknown };

export type ChatMessage = {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | ChatContentPart[] | null;
  name?: string | null;
  tool_calls?: ChatToolCall[] | null;
  tool_call_id?: string;
  [field: string]: unknown;
};

export type ChatTool = {
  type: 'function';
  function: { name: string; description?: string | null; parameters?: Record<string, unknown> | null; strict?: boolean | null };
};

export type ChatToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
};

/** OpenAI `chat.completion` response object. */
export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[]; refusal?: string | null; [f: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: OpenAiUsage;
  [field: string]: unknown;
};

/** OpenAI `chat.completion.chunk` object. */
export type ChatCompletionChunk = {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      tool_calls?: Array<{ index: number; id?: string; type?: 'function'; function?: { name?: string; arguments?: string } }>;
      [f: string]: unknown;
    };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: OpenAiUsage | null;
  [field: string]: unknown;
};

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export type OpenAiUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [f: string]: unknown };
  completion_tokens_details?: OpenAiCompletionDetails;
  [f: string]: unknown;
};

/**
 * Token usage as the provider reported it, in the buckets billing prices (spec §2 "Prices"):
 * - promptTokens: every prompt token, cache reads and cache writes included;
 * - cachedTokens: prompt tokens read from the prompt cache (part of promptTokens);
 * - cacheWriteTokens: prompt tokens written to the cache for 5 minutes (part of promptTokens; a write of
 *   unstated duration counts here, Anthropic's default);
 * - cacheWrite1hTokens: prompt tokens written to the cache for 1 hour (part of promptTokens);
 * - completionTokens: every output token, reasoning included;
 * - reasoningTokens: output tokens spent reasoning (part of completionTokens, shown apart, priced as output).
 */
export type Usage = {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  reasoningTokens: number;
};

export type OpenAiCompletionDetails = { reasoning_tokens?: number; [f: string]: unknown };

/** Where and with what to call: resolved by the gateway from the route and the platform's llm-config. */
export type UpstreamTarget = {
  baseUrl: string; // provider base URL, e.g. https://api.openai.com/v1 (no trailing slash)
  apiKey: string; // decrypted provider key: never log it
  upstreamModel: string; // the route's provider_model_id
  maxOutputTokens: number; // the route's max_output_tokens (Anthropic needs max_tokens)
};

export type UpstreamHttpRequest = {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Request fields the provider cannot honour and the adapter left out, one sentence each (log them). */
  warnings?: string[];
};

/** A provider failure, classified once. `retryable` = another candidate route may be tried. */
export type UpstreamError = {
  kind: 'connection' | 'timeout' | 'rate_limited' | 'server' | 'auth' | 'invalid_request' | 'bad_response';
  status: number; // provider HTTP status, or 0 for connection / timeout
  retryable: boolean;
  message: string; // safe to show: secrets removed
  retryAfterSeconds?: number;
};

/** What a stream translator yields; only the HTTP edge turns these into SSE text. */
export type StreamEvent =
  /** `raw`: the upstream's own JSON text for this chunk when it can be forwarded byte for byte (saves a re-serialisation). */
  | { type: 'chunk'; chunk: ChatCompletionChunk; raw?: string }
  /**
   * Sent once, after the last chunk, when the provider reported usage. `wire` is the same usage in
   * OpenAI's shape (the provider's own object for the openai kind, details included), ready for the
   * client's usage chunk. Chunk events never carry `usage`: it travels only here.
   */
  | { type: 'usage'; usage: Usage; wire?: OpenAiUsage }
  | { type: 'error'; error: UpstreamError }
  /** A native call's upstream event, relayed as it is; `text` is what it delivered (for estimates). */
  | { type: 'raw'; event: SseEvent; text: string };

/** One upstream SSE event as parsed by eventsource-parser. */
export type SseEvent = { event?: string; data: string };

export interface StreamTranslator {
  /** Called for each upstream SSE event, in order. */
  onEvent(event: SseEvent): StreamEvent[];
  /** Called once when the upstream body ends cleanly. */
  onEnd(): StreamEvent[];
}

/**
 * A request in a provider's own wire format, forwarded without translation because the client spoke
 * that format (Anthropic Messages to an Anthropic-kind provider, Responses to an OpenAI-kind provider
 * whose `supports_responses` is set).
 */
export type NativeCall = {
  /** The provider kind that speaks this format. */
  kind: ProviderKind;
  /** Which of the provider's APIs. */
  api: 'messages' | 'responses';
  /** The client's validated body; `buildRequest` replaces `model` with the route's provider model id. */
  body: Record<string, unknown>;
  /** Validated request headers of the format the provider should also receive (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
};

/** What a native call's answer means for billing: the usage reported, the text delivered (for estimates). */
export type NativeReading = { usage?: Usage; text?: string; error?: UpstreamError };

/** Builds a native call and reads its answer, for one of the provider's own APIs. */
export interface NativeAdapter {
  buildRequest(call: NativeCall, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest;
  /** A 2xx JSON answer. Throws ProviderProtocolError when it is not the API's shape. */
  parseResponse(json: unknown): { usage: Usage | null; text: string };
  /** A fresh reader for one streamed answer; each upstream event is relayed to the client as it is. */
  createStreamReader(): {
    /** Usage as soon as the provider reports it (later readings replace earlier ones); an in-stream error. */
    onEvent(event: SseEvent): NativeReading;
    /** The upstream body ended cleanly; an error when it ended before the API's last event. */
    onEnd(): NativeReading;
  };
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  /** The provider's own APIs the gateway can forward to untranslated. */
  readonly native?: Partial<Record<NativeCall['api'], NativeAdapter>>;
  /** Builds the upstream HTTP request. For streams the adapter always asks for usage. */
  buildRequest(body: ChatRequest, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest;
  /** Maps a 2xx JSON body to an OpenAI completion plus the usage the provider reported (null if none). */
  parseResponse(json: unknown, body: ChatRequest): { completion: ChatCompletion; usage: Usage | null };
  /** A fresh translator for one streamed response. */
  createStreamTranslator(body: ChatRequest): StreamTranslator;
  /** Classifies a non-2xx upstream response. Must strip anything that looks like a key from the message. */
  parseError(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): UpstreamError;
}
