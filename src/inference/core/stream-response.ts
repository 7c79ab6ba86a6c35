/**
 * Streams a translated answer to the client as `chat.completion.chunk` SSE frames (spec §5 streaming
 * rules): chunks as they arrive, the usage chunk only when asked, `[DONE]`; a provider failure mid-stream,
 * or an exception in the gateway's own code, becomes a final `data: {"error": …}` frame. What was
 * generated is settled once, before the last frame; when the settlement cannot commit, the stream ends
 * with an error frame instead of `[DONE]` and the Admission's `finally` releases the hold.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiError, errorBody, errors } from '../../http/errors.js';
import { clientWantsUsage } from '../ingress/chat/request.js';
import type { ChatCompletionChunk, ChatRequest, OpenAiUsage, StreamEvent, UpstreamError, Usage } from '../providers/types.js';
import { plainUsage } from '../providers/wire-usage.js';
import type { Admission } from './admission.js';
import type { Candidate } from './route-cache.js';
import { SseWriter } from './sse-writer.js';
import { countText } from './tokens.js';
import { toApiError } from './upstream-errors.js';

type StreamResult = { events: AsyncIterable<StreamEvent>; abort(): void };

/** One streamed answer: whose money it is, which route answers, and the upstream it relays. */
export type StreamCall = {
  admission: Admission;
  candidate: Candidate;
  fallbackFrom: string | null;
  body: ChatRequest;
  upstream: StreamResult;
  /** Aborted when the client's connection closes. */
  clientGone: AbortSignal;
};

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
  const { admission, candidate, fallbackFrom, body, upstream, clientGone } = call;
  const startedAtMs = admission.base.startedAtMs;
  let usage: Usage | null = null;
  let wireUsage: OpenAiUsage | null = null;
  let failure: ApiError | null = null;
  let ttftMs: number | null = null;
  let generatedText = '';
  let last: Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> | null = null;

  try {
    for await (const event of upstream.events) {
      if (event.type === 'chunk') {
        if (ttftMs === null) ttftMs = Math.round(performance.now() - startedAtMs);
        last = event.chunk;
        generatedText += chunkText(event.chunk);
        const full = sse.data(event.raw ?? JSON.stringify(event.chunk));
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
  const finalUsage = usage ?? plainUsage(admission.request.promptEstimate, countText(generatedText));
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
    // Unbilled output must not end as a success: no usage chunk, no [DONE]; the finally releases the hold.
    req.log.error({ err, requestId: req.id }, 'settlement failed at the end of a stream');
    // Released (and logged) before the stream ends, so the client never sees an end with money still held.
    await admission.close(err);
    failure = errors.internal();
    if (!cancelled) await sse.data(JSON.stringify(errorBody(failure, req.id)));
    return;
  }

  if (cancelled) return;
  if (failure) {
    await sse.data(JSON.stringify(errorBody(failure, req.id)));
    return;
  }
  if (clientWantsUsage(body) && last) {
    const chunk = {
      id: last.id,
      object: 'chat.completion.chunk',
      created: last.created,
      model: last.model,
      choices: [],
      // The provider's own usage object when it speaks OpenAI (details included), else ours.
      usage: wireUsage ?? {
        prompt_tokens: finalUsage.promptTokens,
        completion_tokens: finalUsage.completionTokens,
        total_tokens: finalUsage.promptTokens + finalUsage.completionTokens,
        ...(finalUsage.cachedTokens > 0 && { prompt_tokens_details: { cached_tokens: finalUsage.cachedTokens } }),
      },
    };
    await sse.data(JSON.stringify(chunk));
  }
  await sse.data('[DONE]');
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
