/**
 * Streams a translated answer to the client as `chat.completion.chunk` SSE frames (spec §5 streaming
 * rules): chunks as they arrive, the usage chunk only when asked, `[DONE]`; a provider failure mid-stream
 * becomes a final `data: {"error": …}` frame. Whatever happens, what was generated is settled once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../http/errors.js';
import { clientWantsUsage } from './chat-request.js';
import type { ChatCompletionChunk, ChatRequest, OpenAiUsage, StreamEvent, UpstreamError, Usage } from './providers/types.js';
import type { Candidate } from './route-cache.js';
import { type Admitted, type InferenceDeps, settleAndLog } from './settlement.js';
import { SseWriter } from './sse-writer.js';
import { countText } from './tokens.js';
import { toApiError } from './upstream-errors.js';

type StreamResult = { events: AsyncIterable<StreamEvent>; abort(): void };

export async function streamToClient(
  deps: InferenceDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  admitted: Admitted,
  candidate: Candidate,
  fallbackFrom: string | null,
  body: ChatRequest,
  upstream: StreamResult,
  clientGone: AbortSignal,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const sse = new SseWriter(res);
  let usage: Usage | null = null;
  let wireUsage: OpenAiUsage | null = null;
  let failure: UpstreamError | null = null;
  let ttftMs: number | null = null;
  let generatedText = '';
  let last: Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> | null = null;

  try {
    for await (const event of upstream.events) {
      if (event.type === 'chunk') {
        if (ttftMs === null) ttftMs = Math.round(performance.now() - admitted.base.startedAtMs);
        last = event.chunk;
        for (const choice of event.chunk.choices) {
          const delta = choice.delta;
          if (typeof delta.content === 'string') generatedText += delta.content;
          for (const call of delta.tool_calls ?? []) generatedText += (call.function?.name ?? '') + (call.function?.arguments ?? '');
        }
        const full = sse.data(event.raw ?? JSON.stringify(event.chunk));
        if (full) await full;
      } else if (event.type === 'usage') {
        usage = event.usage;
        wireUsage = event.wire ?? null;
      } else {
        failure = event.error;
        break;
      }
      if (clientGone.aborted) break;
    }
  } finally {
    if (clientGone.aborted || failure) upstream.abort();
  }

  // Settle before the stream's last frame: the money is committed before the request is finished.
  const cancelled = clientGone.aborted;
  const failureError = failure ? toApiError(failure, candidate.providerSlug) : null;
  const finalUsage = usage ?? estimated(admitted, generatedText);
  await settleAndLog(deps, admitted, candidate, {
    usage: finalUsage,
    tokenCountMethod: usage ? 'reported' : 'estimated',
    status: cancelled ? 'cancelled' : failure ? 'error' : 'success',
    fallbackFrom,
    ttftMs,
    errorCode: cancelled ? 'client_closed_request' : failureError?.code,
    errorMessage: cancelled ? 'The client closed the connection mid-stream.' : failureError?.message,
  }).catch((err) => req.log.error({ err, requestId: req.id }, 'settlement failed; the sweeper will release the reservation'));

  if (!cancelled) {
    if (failureError) {
      await sse.data(JSON.stringify(errorBody(failureError, req.id)));
    } else {
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
  }
  sse.end();
}

/** Usage counted with the tokenizer when the provider reported none (or the stream was cut before it). */
function estimated(admitted: Admitted, generatedText: string): Usage {
  return { promptTokens: admitted.promptEstimate, completionTokens: countText(generatedText), cachedTokens: 0 };
}
