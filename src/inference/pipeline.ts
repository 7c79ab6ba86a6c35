/**
 * The chat completion pipeline (spec §5), in order: authenticate (done by the route's hook) → resolve
 * routes → rate limits → reserve budget and wallet → call the candidates with fallback before the first
 * byte → answer or stream → settle exactly once → log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { microsToFixed } from '../billing/money.js';
import type { Principal } from '../http/auth.js';
import { ApiError, errors } from '../http/errors.js';
import type { RateTicket } from '../ratelimit/types.js';
import { parseChatRequest } from './chat-request.js';
import { type LogBase, logRow } from './log-row.js';
import type { ChatRequest, UpstreamError, Usage } from './providers/types.js';
import type { Candidate } from './route-cache.js';
import { type Admitted, elapsedMs, type InferenceDeps, settleAndLog } from './settlement.js';
import { streamToClient } from './stream-response.js';
import { countText, estimatePromptTokens, reservePromptTokens } from './tokens.js';
import { sendChat } from './upstream/index.js';
import { toApiError } from './upstream-errors.js';

export type { InferenceDeps } from './settlement.js';

export async function handleChatCompletion(deps: InferenceDeps, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const principal = req.principal as Extract<Principal, { kind: 'platform' | 'end_user' }>;
  const body = parseChatRequest(req.body);
  const stream = body.stream === true;
  const base: LogBase = {
    requestId: req.id,
    platformId: principal.platformId,
    endUserId: principal.kind === 'end_user' ? principal.endUserId : null,
    model: body.model,
    stream,
    metadata: body.metadata,
    startedAtMs: performance.now(),
    createdAtMs: deps.ctx.clock.now(),
  };
  const routing = await deps.routes.forPlatform(principal.platformId);
  const candidates = routing.byModel.get(body.model);
  if (!candidates || candidates.length === 0) {
    const err = new ApiError(
      404,
      'model_not_found',
      `The model \`${body.model}\` does not exist or your platform has no provider key to route it.`,
      {
        param: 'model',
      },
    );
    rejectAndThrow(deps, base, err);
  }

  if (typeof body.n === 'number' && body.n > 1 && candidates.some((c) => c.providerKind === 'anthropic')) {
    throw errors.unsupported('n', `"n" > 1 is not supported by the ${body.model} route (Anthropic answers one choice per call).`);
  }
  const admitted = await admit(deps, base, body, candidates, routing.markupPercentage);
  for (const [name, value] of Object.entries(admitted.rateHeaders)) reply.header(name, value);

  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });

  let fallbackFrom: string | null = null;
  let lastError: UpstreamError | null = null;
  let lastCandidate = candidates[0];
  for (const candidate of candidates) {
    lastCandidate = candidate;
    const target = {
      baseUrl: candidate.baseUrl,
      apiKey: candidate.apiKey,
      upstreamModel: candidate.providerModelId,
      maxOutputTokens: candidate.maxOutputTokens,
    };
    const result = await sendChat(candidate.adapter, target, body, {
      stream,
      signal: abort.signal,
      timeouts: deps.ctx.config.upstreamTimeouts,
    });
    if (result.ok && result.kind === 'json') {
      return answerJson(deps, reply, admitted, candidate, fallbackFrom, result.completion, result.usage);
    }
    if (result.ok && result.kind === 'stream') {
      await streamToClient(deps, req, reply, admitted, candidate, fallbackFrom, body, result, abort.signal);
      return reply;
    }
    if (!result.ok) {
      lastError = result.error;
      fallbackFrom ??= candidate.providerSlug;
      if (abort.signal.aborted || !result.error.retryable) break;
    }
  }
  return failAll(deps, admitted, lastCandidate, fallbackFrom, lastError, abort.signal.aborted);
}

/** Rate limits, then the reservation (spec §5 steps 3–4); refusals get a `rejected` log row. */
async function admit(
  deps: InferenceDeps,
  base: LogBase,
  body: ChatRequest,
  candidates: Candidate[],
  markupPercentage: number,
): Promise<Admitted> {
  const promptEstimate = estimatePromptTokens(body);
  const reservePrompt = reservePromptTokens(promptEstimate);
  const requestedMax = body.max_completion_tokens ?? body.max_tokens;
  const maxOutputTokens = requestedMax ?? Math.max(...candidates.map((c) => c.maxOutputTokens));

  let ticket: RateTicket | null = null;
  let rateHeaders: Record<string, string> = {};
  const { billing, rateLimiter } = deps.ctx;
  if (base.endUserId) {
    const admitted = await rateLimiter.admit({
      requestId: base.requestId,
      platformId: base.platformId,
      endUserId: base.endUserId,
      estimatedTokens: reservePrompt + maxOutputTokens,
    });
    if (!admitted.ok) {
      rejectAndThrow(
        deps,
        base,
        new ApiError(429, 'rate_limit_exceeded', admitted.message, {
          headers: { ...admitted.headers, 'retry-after': String(admitted.retryAfterSeconds) },
        }),
      );
    }
    ticket = admitted.ticket;
    rateHeaders = admitted.headers;
  }

  const reserved = await billing.reserve({
    requestId: base.requestId,
    platformId: base.platformId,
    endUserId: base.endUserId,
    promptTokens: reservePrompt,
    maxOutputTokens,
    inputMicrosPerMtok: Math.max(...candidates.map((c) => c.inputMicrosPerMtok)),
    outputMicrosPerMtok: Math.max(...candidates.map((c) => c.outputMicrosPerMtok)),
    markupPercentage,
  });
  if (!reserved.ok) {
    if (ticket) rateLimiter.release(ticket);
    rejectAndThrow(deps, base, new ApiError(402, reserved.code, reserved.message, { headers: rateHeaders }));
  }
  return { base, reservation: reserved.reservation, ticket, promptEstimate, rateHeaders };
}

function rejectAndThrow(deps: InferenceDeps, base: LogBase, err: ApiError): never {
  deps.ctx.requestLogs.add(
    logRow(base, { status: 'rejected', latency_ms: elapsedMs(base.startedAtMs), error_code: err.code, error_message: err.message }),
  );
  throw err;
}

async function answerJson(
  deps: InferenceDeps,
  reply: FastifyReply,
  admitted: Admitted,
  candidate: Candidate,
  fallbackFrom: string | null,
  completion: import('./providers/types.js').ChatCompletion,
  reported: Usage | null,
): Promise<unknown> {
  let usage = reported;
  if (!usage) {
    let completionTokens = 0;
    for (const choice of completion.choices) {
      completionTokens += countText(choice.message.content ?? '');
      for (const call of choice.message.tool_calls ?? []) completionTokens += countText(call.function.name + call.function.arguments);
    }
    usage = { promptTokens: admitted.promptEstimate, completionTokens, cachedTokens: 0 };
    completion.usage = {
      prompt_tokens: usage.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: usage.promptTokens + completionTokens,
    };
  }
  const walletMicros = await settleAndLog(deps, admitted, candidate, {
    usage,
    tokenCountMethod: reported ? 'reported' : 'estimated',
    status: 'success',
    fallbackFrom,
    ttftMs: null,
  });
  reply.header('x-assistiv-cost-usd', microsToFixed(walletMicros));
  return completion;
}

/** Every candidate failed (or the client left first): release or bill the prompt, log, answer the last failure. */
async function failAll(
  deps: InferenceDeps,
  admitted: Admitted,
  candidate: Candidate,
  fallbackFrom: string | null,
  lastError: UpstreamError | null,
  cancelled: boolean,
): Promise<never> {
  if (cancelled) {
    // The client went away before any answer: the upstream call was aborted; bill the prompt only (spec §5.6).
    await settleAndLog(deps, admitted, candidate, {
      usage: { promptTokens: admitted.promptEstimate, completionTokens: 0, cachedTokens: 0 },
      tokenCountMethod: 'estimated',
      status: 'cancelled',
      fallbackFrom,
      ttftMs: null,
      errorCode: 'client_closed_request',
      errorMessage: 'The client closed the connection before the answer.',
    });
    // Nobody is listening any more; the error only ends the handler (nothing reaches the client).
    throw new ApiError(400, 'client_closed_request', 'The client closed the connection before the answer.');
  }
  await deps.ctx.billing.release(admitted.reservation);
  if (admitted.ticket) deps.ctx.rateLimiter.settle(admitted.ticket, 0);
  const err = lastError ? toApiError(lastError, candidate.providerSlug) : errors.internal();
  deps.ctx.requestLogs.add(
    logRow(admitted.base, {
      status: 'error',
      latency_ms: elapsedMs(admitted.base.startedAtMs),
      provider_id: candidate.providerId,
      provider_model_id: candidate.providerModelId,
      error_code: err.code,
      error_message: err.message,
      fallback_from: fallbackFrom,
    }),
  );
  throw err;
}
