/** What the upstream client takes and returns. */
import type { ChatCompletion, NativeCall, StreamEvent, UpstreamError, Usage } from '../providers/types.js';
import type { Cancellation } from './cancellation.js';

/** Per-call timeouts, all in milliseconds. */
export type UpstreamTimeouts = {
  /** TCP (and TLS) connection set-up. */
  connectTimeoutMs: number;
  /** Request sent → response headers. For a non-streaming call this covers the whole generation. */
  firstByteTimeoutMs: number;
  /** Longest silence between two body chunks, streaming or not. */
  idleTimeoutMs: number;
};

export type SendChatOptions = {
  stream: boolean;
  /** The client went away: aborts the upstream request and ends the event iterable. */
  signal?: Cancellation;
  timeouts?: Partial<UpstreamTimeouts>;
  /** Forward the client's body to the provider's own API untranslated (the adapter must have `native[api]`). */
  native?: NativeCall;
};

export type UpstreamResult =
  | {
      ok: true;
      kind: 'json';
      completion: ChatCompletion;
      /** null when the provider reported none (the gateway then estimates). */
      usage: Usage | null;
      status: number;
      /** Request fields the adapter could not send (log them). */
      warnings: string[];
    }
  | {
      ok: true;
      kind: 'stream';
      /**
       * Translated events. Never throws: failures arrive as a final `{ type: 'error' }` event. Iterate it
       * to the end, or call `abort()`: an abandoned iterable holds the upstream connection open.
       */
      events: AsyncIterable<StreamEvent>;
      /** Cancels the upstream request; the iterable then ends without an error event. Idempotent. */
      abort(): void;
      warnings: string[];
    }
  | {
      ok: true;
      kind: 'native-json';
      /** The provider's own answer, in the client's wire format. */
      json: Record<string, unknown>;
      usage: Usage | null;
      /** The text it delivered, for estimating usage the provider did not report. */
      text: string;
      status: number;
      warnings: string[];
    }
  | { ok: false; error: UpstreamError };
