/** The slice of autocannon's programmatic API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export type Options = {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Total requests, split over the connections; the run ends when all are answered. */
    amount?: number;
    /** Seconds to run (instead of `amount`). */
    duration?: number;
    /** Per-request overrides; `setupRequest` may change headers and body of each request sent. */
    requests?: Array<{ setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> }>;
    /** Seconds before a request counts as an error. */
    timeout?: number;
    pipelining?: number;
  };

  export type Result = {
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    mismatches: number;
    duration: number;
  };

  /** Emits `response` (client, statusCode, bytes, responseTimeMs with sub-ms precision) and `reqError`. */
  export type Instance = EventEmitter & { stop(): void };

  function autocannon(options: Options, done: (err: Error | null, result: Result) => void): Instance;
  export = autocannon;
}
