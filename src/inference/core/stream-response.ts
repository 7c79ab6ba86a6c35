/**
 * Streams an answer to the client in the ingress's SSE framing (spec §5 streaming rules): frames as the
 * upstream events arrive, the ingress's closing frames after; a provider failure mid-stream, or an
 * exception in the gateway's own code, becomes the ingress's error frame. What was generated is settled
 * once, before the closing frames; when the settlement cannot commit, the stream ends with an error frame
 * instead of a success ending and the Admission's `finally` releases the hold.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiError, errors } from '../../http/errors.js';
import type { IngressStream } from '../ingress/types.js';
import type { ChatCompletionChunk, OpenAiUsage, StreamEvent, UpstreamError, Usage } from '../providers/types.js';
import { plainUsage } from '../providers/wire-usage.js';
import type { Cancellation } from '../upstream/index.js';
import type { Admission } from './admission.js';
import type { Candidate } from './route-cache.js';
import { SseWriter } from './sse-writer.js';
import { countText } from './tokens.js';
import { toApiError } from './upstream-errors.js';

type StreamResult = { events: AsyncIterable<StreamEvent>; abort(): void };

/** One streamed answer: whose money it is, which route answers, the upstream it relays, how it is framed. */
export type StreamCall = {
  admission: Admission;
  candidate: Candidate;
  fallbackFrom: string | null;
  renderer: IngressStream;
  upstream: StreamResult;
  /** Aborted when the client's connection closes. */
  clientGone: Cancellation;
  /**
   * Runs once a success is settled, after the renderer's `finish` and before its frames are sent: what the
   * ingress keeps of the answer (a stored response) exists before the client sees the end, so it can continue at once.
   */
  beforeEnd?: () => Promise<void>;
};

/** Relays the stream, settles it, and ends it: a success ending only once settled, else an error frame (or nothing, if the client left). */
export async function streamToClient(req: FastifyRequest, reply: FastifyReply, call: StreamCall): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  const sse = new SseWriter(res);
  try {
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    await relay(req, sse, call);
  } finally {
    sse.end();
  }
}

async function relay(req: FastifyRequest, sse: SseWriter, call: StreamCall): Promise<void> {
  const { admission, candidate, fallbackFrom, renderer, upstream, clientGone } = call;
  const startedAtMs = admission.base.startedAtMs;
  let usage: Usage | null = null;
  let wireUsage: OpenAiUsage | null = null;
  let failure: ApiError | null = null;
  let ttftMs: number | null = null;
  let generatedText = '';

  try {
    for await (const event of upstream.events) {
      if (event.type === 'chunk' || event.type === 'raw') {
        if (ttftMs === null) ttftMs = Math.round(performance.now() - startedAtMs);
        let frames: ReturnType<IngressStream['chunk']>;
        if (event.type === 'chunk') {
          generatedText += chunkText(event.chunk);
          frames = renderer.chunk(event.chunk, event.raw);
        } else {
          generatedText += event.text;
          frames = renderer.raw ? renderer.raw(event.event) : [event.event];
        }
        const full = sse.frames(frames);
        if (full) await full;
      } else if (event.type === 'usage') {
        usage = event.usage;
        wireUsage = event.wire ?? null;
      } else {
        failure = toApiError(event.error as UpstreamError, candidate.providerSlug);
        break;
      }
      if (clientGone.aborted) break;
    }
  } catch (err) {
    // A bug of ours mid-stream: the client gets an error frame, and what was delivered is still billed.
    req.log.error({ err, requestId: req.id }, 'streaming failed inside the gateway');
    failure = errors.internal();
  } finally {
    if (clientGone.aborted || failure) upstream.abort();
  }

  const cancelled = clientGone.aborted;
  const finalUsage = usage ?? plainUsage(admission.request.prompt.estimate, countText(generatedText));
  try {
    await admission.settle(candidate, {
      usage: finalUsage,
      tokenCountMethod: usage ? 'reported' : 'estimated',
      status: cancelled ? 'cancelled' : failure ? 'error' : 'success',
      fallbackFrom,
      ttftMs,
      errorCode: cancelled ? 'client_closed_request' : failure?.code,
      errorMessage: cancelled ? 'The client closed the connection mid-stream.' : failure?.message,
    });
  } catch (err) {
    // Unbilled output must not end as a success: no success ending; the finally releases the hold.
    req.log.error({ err, requestId: req.id }, 'settlement failed at the end of a stream');
    // Released (and logged) before the stream ends, so the client never sees an end with money still held.
    await admission.close(err);
    if (!cancelled) await sse.frames(renderer.fail(errors.internal(), req.id));
    return;
  }

  if (cancelled) return;
  if (failure) {
    await sse.frames(renderer.fail(failure, req.id));
    return;
  }
  const closing = renderer.finish(finalUsage, wireUsage);
  await call.beforeEnd?.();
  await sse.frames(closing);
}

/** The text a chunk delivered (content and tool-call fragments), for estimating usage no provider reported. */
function chunkText(chunk: ChatCompletionChunk): string {
  let text = '';
  for (const choice of chunk.choices) {
    const delta = choice?.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string') text += delta.content;
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      const fn = call?.function;
      if (typeof fn?.name === 'string') text += fn.name;
      if (typeof fn?.arguments === 'string') text += fn.arguments;
    }
  }
  return text;
}
