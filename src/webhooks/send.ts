/**
 * One delivery attempt over HTTP: a POST through undici with the SSRF guard's lookup, an overall timeout,
 * no redirects followed (a 3xx is a failed attempt) and at most a few KB of the answer read.
 */
import { Agent, request } from 'undici';
import { guardedLookup, isPrivateAddress, literalAddress, PrivateAddressError, privateMessage } from './ssrf.js';

export type SendOptions = {
  /** The whole attempt, connect to last byte read (spec §6: 10 s). */
  timeoutMs: number;
  allowPrivate: boolean;
  /** Bytes of the answer read at most (kept for the attempt's error); the rest is dropped. */
  maxResponseBytes: number;
};

export type SendResult = { statusCode: number | null; latencyMs: number; error: string | null };

/** The longest error text stored on an attempt. */
const MAX_ERROR_CHARS = 500;

export function createSender(opts: SendOptions) {
  const agent = new Agent({
    connect: { lookup: guardedLookup(opts.allowPrivate), timeout: opts.timeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connections: 16,
  });

  async function send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      // A literal address never goes through the lookup: check it here.
      const literal = literalAddress(new URL(url));
      if (literal && !opts.allowPrivate && isPrivateAddress(literal)) throw new PrivateAddressError(privateMessage(literal));
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Assistiv-Webhooks/1', ...headers },
        body,
        dispatcher: agent,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const text = await readSome(res.body, opts.maxResponseBytes);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const error = ok ? null : `HTTP ${res.statusCode}${text ? `: ${text}` : ''}`.slice(0, MAX_ERROR_CHARS);
      return { statusCode: res.statusCode, latencyMs: latency(), error };
    } catch (err) {
      return { statusCode: null, latencyMs: latency(), error: describe(err).slice(0, MAX_ERROR_CHARS) };
    }
  }

  return { send, close: () => agent.close() };
}

/** Reads at most `max` bytes of a body as text, then drops the rest. */
async function readSome(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, max).toString('utf8').trim();
}

/** The innermost useful reason: undici wraps socket errors (the guard's refusal among them). */
function describe(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    if (e instanceof PrivateAddressError) return `refused: the URL ${e.message}`;
    if (e.name === 'TimeoutError' || (e as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT') return 'timed out';
    if (!(e.cause instanceof Error)) break;
    e = e.cause;
  }
  const code = (e as { code?: string }).code;
  return e instanceof Error ? `${code ? `${code}: ` : ''}${e.message}` : String(e);
}
