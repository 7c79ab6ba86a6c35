/**
 * The inference pipeline (spec §5), the same for every ingress format, in order: authenticate (done by
 * the route's hook) → validate and translate (the ingress) → resolve routes → admit (rate limits, reserve
 * budget and wallet) → call the candidates with fallback before the first byte → answer or stream →
 * settle exactly once → log. Everything after admission runs inside one try/finally that hands the
 * Admission anything left unresolved (spec §5c). Wire formats live in `../ingress/`, never here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { microsToFixed } from '../../billing/money.js';
import type { Principal } from '../../http/auth.js';
import { ApiError, errors } from '../../http/errors.js';
import type { AnswerContext, Caller, IngressFormat, IngressRequest } from '../ingress/types.js';
import type { ChatCompletion, NativeCall, UpstreamError, Usage } from '../providers/types.js';
import { plainUsage } from '../providers/wire-usage.js';
import { Cancellation, sendChat } from '../upstream/index.js';
import { type Admission, admit, elapsedMs } from './admission.js';
import { type LogBase, logRow } from './log-row.js';
import type { Candidate, RouteCache } from './route-cache.js';
import { streamToClient } from './stream-response.js';
import { countText, PromptTokens } from './tokens.js';
import { toApiError } from './upstream-errors.js';

/** The pipeline's own state (its routing cache); billing, rate limits, logs and timeouts are the context's. */
export type InferenceDeps = {
  ctx: import('../../context.js').AppContext;
  routes: RouteCache;
};

/** One admitted call, as the candidates loop and the answer writers see it. */
type Call = {
  deps: InferenceDeps;
  req: FastifyRequest;
  reply: FastifyReply;
  ingress: IngressFormat;
  request: IngressRequest;
  caller: Caller;
  answer: AnswerContext;
  admission: Admission;
  clientGone: Cancellation;
};

export async function handleInference(
  deps: InferenceDeps,
  ingress: IngressFormat,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  deps.ctx.inferenceCalls.add(req.id);
  try {
    return await handleCall(deps, ingress, req, reply);
  } finally {
    deps.ctx.inferenceCalls.delete(req.id);
  }
}

async function handleCall(deps: InferenceDeps, ingress: IngressFormat, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const clientGone = watchClient(req, reply);
  const principal = req.principal as Extract<Principal, { kind: 'platform' | 'end_user' }>;
  const caller: Caller = { platformId: principal.platformId, endUserId: principal.kind === 'end_user' ? principal.endUserId : null };
  const request = await ingress.parse(req.body, caller);
  const body = request.chat;
  const base: LogBase = {
    requestId: req.id,
    requestType: ingress.requestType,
    platformId: caller.platformId,
    endUserId: caller.endUserId,
    model: body.model,
    stream: body.stream === true,
    metadata: request.metadata,
    warnings: [],
    startedAtMs: performance.now(),
    createdAtMs: deps.ctx.clock.now(),
  };
  const routing = await deps.routes.forPlatform(caller.platformId);
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
    deps.ctx.requestLogs.add(
      logRow(base, { status: 'rejected', latency_ms: elapsedMs(base.startedAtMs), error_code: err.code, error_message: err.message }),
    );
    throw err;
  }
  const choices = typeof body.n === 'number' ? body.n : 1;
  if (choices > 1 && candidates.some((c) => c.providerKind === 'anthropic')) {
    throw errors.unsupported('n', `"n" > 1 is not supported by the ${body.model} route (Anthropic answers one choice per call).`);
  }

  const prompt = new PromptTokens(body);
  const perChoiceMax = body.max_completion_tokens ?? body.max_tokens ?? Math.max(...candidates.map((c) => c.maxOutputTokens));
  const admitted = await admit(
    deps.ctx,
    // Every choice may run to the maximum: the reservation covers all of them (n × max tokens).
    { base, prompt, maxOutputTokens: perChoiceMax * choices },
    candidates,
    routing,
    (err) => req.log.error({ err, requestId: req.id }, 'bookkeeping of an admitted request failed'),
  );
  if (!admitted.ok) throw admitted.error;
  const admission = admitted.admission;
  const answer: AnswerContext = {
    requestId: req.id,
    model: body.model,
    createdAtS: Math.floor(base.createdAtMs / 1000),
    // A getter: only a format that announces input tokens before the provider does pays for the count.
    get promptEstimate() {
      return prompt.estimate;
    },
  };
  const call: Call = { deps, req, reply, ingress, request, caller, answer, admission, clientGone };
  let failure: unknown;
  try {
    for (const [name, value] of Object.entries(admission.rateHeaders)) reply.header(name, value);
    return await callCandidates(call, candidates);
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    await admission.close(failure);
  }
}

/**
 * Aborts when the client's connection closes before the answer was written. Checked at once as well:
 * a client that left while its body was read never gets a provider call (nothing is billed).
 */
function watchClient(req: FastifyRequest, reply: FastifyReply): Cancellation {
  const gone = new Cancellation();
  const res = reply.raw;
  if (res.destroyed || req.raw.socket?.destroyed === true) gone.abort();
  else
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
  return gone;
}

/** The client's own body when this candidate speaks the client's wire format, else null (translated). */
function nativeFor(request: IngressRequest, candidate: Candidate): NativeCall | null {
  const native = request.native;
  if (!native || native.kind !== candidate.providerKind || !candidate.adapter.native?.[native.api]) return null;
  if (native.api === 'responses' && !candidate.supportsResponses) return null;
  return native;
}

/** Spec §5 step 5: the candidates in order, falling back before the first byte; then step 6. */
async function callCandidates(call: Call, candidates: Candidate[]): Promise<unknown> {
  const { deps, req, reply, admission, request, clientGone } = call;
  const body = request.chat;
  const stream = body.stream === true;
  let fallbackFrom: string | null = null;
  let lastError: UpstreamError | null = null;
  let lastCandidate = candidates[0];
  let reachedProvider = false;
  for (const candidate of candidates) {
    // Checked right before the call (sendChat starts it synchronously): nothing sent, nothing billed.
    if (clientGone.aborted) break;
    lastCandidate = candidate;
    admission.trying(candidate);
    reachedProvider = true;
    const target = {
      baseUrl: candidate.baseUrl,
      apiKey: candidate.apiKey,
      upstreamModel: candidate.providerModelId,
      maxOutputTokens: candidate.maxOutputTokens,
    };
    const native = nativeFor(request, candidate);
    const result = await sendChat(candidate.adapter, target, body, {
      stream,
      signal: clientGone,
      timeouts: deps.ctx.config.upstreamTimeouts,
      ...(native && { native }),
    });
    if (result.ok) {
      // What the answering provider could not honour: the ingress's translation losses and the adapter's.
      admission.base.warnings = native ? result.warnings : [...request.warnings, ...result.warnings];
    }
    if (result.ok && result.kind === 'json') {
      return answerJson(call, candidate, fallbackFrom, result.completion, result.usage);
    }
    if (result.ok && result.kind === 'native-json') {
      return answerNativeJson(call, candidate, fallbackFrom, result.json, result.usage, result.text);
    }
    if (result.ok && result.kind === 'stream') {
      const renderer = call.ingress.createStream(call.answer, request);
      const beforeEnd = () => afterAnswer(call, renderer.answer?.());
      await streamToClient(req, reply, { admission, candidate, fallbackFrom, renderer, upstream: result, clientGone, beforeEnd });
      return reply;
    }
    if (!result.ok) {
      lastError = result.error;
      fallbackFrom ??= candidate.providerSlug;
      if (clientGone.aborted || !result.error.retryable) break;
    }
  }
  if (clientGone.aborted) return clientLeft(admission, lastCandidate, fallbackFrom, reachedProvider);
  const err = lastError ? toApiError(lastError, lastCandidate.providerSlug) : errors.internal();
  await admission.fail({ status: 'error', errorCode: err.code, errorMessage: err.message, fallbackFrom, reachedProvider });
  throw err;
}

async function answerJson(
  call: Call,
  candidate: Candidate,
  fallbackFrom: string | null,
  completion: ChatCompletion,
  reported: Usage | null,
): Promise<unknown> {
  let usage = reported;
  if (!usage) {
    let completionTokens = 0;
    for (const choice of completion.choices) {
      const content = choice.message.content;
      completionTokens += countText(typeof content === 'string' ? content : '');
      for (const toolCall of choice.message.tool_calls ?? [])
        completionTokens += countText(toolCall.function.name + toolCall.function.arguments);
    }
    usage = plainUsage(call.admission.request.prompt.estimate, completionTokens);
    completion.usage = {
      prompt_tokens: usage.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: usage.promptTokens + completionTokens,
    };
  }
  await settleJson(call, candidate, fallbackFrom, usage, reported !== null);
  const rendered = call.ingress.renderJson(completion, usage, call.answer, call.request);
  await afterAnswer(call, rendered);
  return rendered;
}

/** A native call's answer: the provider's own JSON, billed from the usage it reported (or estimated from its text). */
async function answerNativeJson(
  call: Call,
  candidate: Candidate,
  fallbackFrom: string | null,
  json: Record<string, unknown>,
  reported: Usage | null,
  text: string,
): Promise<unknown> {
  const usage = reported ?? plainUsage(call.admission.request.prompt.estimate, countText(text));
  await settleJson(call, candidate, fallbackFrom, usage, reported !== null);
  const rendered = call.ingress.renderNativeJson ? call.ingress.renderNativeJson(json, call.answer, call.request) : json;
  await afterAnswer(call, rendered);
  return rendered;
}

/** Settled before a byte of the answer is sent: if the money cannot commit, the answer is not handed out. */
async function settleJson(call: Call, candidate: Candidate, fallbackFrom: string | null, usage: Usage, reported: boolean): Promise<void> {
  const settled = await call.admission.settle(candidate, {
    usage,
    tokenCountMethod: reported ? 'reported' : 'estimated',
    status: 'success',
    fallbackFrom,
    ttftMs: null,
  });
  call.reply.header('x-assistiv-cost-usd', microsToFixed(settled.walletMicros));
}

/** The ingress's after-answer step (e.g. storing a response): the answer is billed already, so a failure here is only logged. */
async function afterAnswer(call: Call, answer: unknown): Promise<void> {
  if (!call.ingress.afterAnswer || answer === undefined) return;
  try {
    await call.ingress.afterAnswer(call.caller, call.request, answer);
  } catch (err) {
    call.req.log.error({ err, requestId: call.req.id }, 'the after-answer step of an ingress failed');
  }
}

/**
 * The client went away before any answer. When a provider may have started on the prompt, the call was
 * aborted upstream and is billed for its prompt only (spec §5 step 6); when nothing reached a provider,
 * nothing is billed.
 */
async function clientLeft(
  admission: Admission,
  candidate: Candidate,
  fallbackFrom: string | null,
  reachedProvider: boolean,
): Promise<never> {
  const message = 'The client closed the connection before the answer.';
  if (reachedProvider) {
    await admission.settle(candidate, {
      usage: plainUsage(admission.request.prompt.estimate, 0),
      tokenCountMethod: 'estimated',
      status: 'cancelled',
      fallbackFrom,
      ttftMs: null,
      errorCode: 'client_closed_request',
      errorMessage: message,
    });
  } else {
    await admission.fail({ status: 'cancelled', errorCode: 'client_closed_request', errorMessage: message, fallbackFrom, reachedProvider });
  }
  // Nobody is listening any more; the error only ends the handler (nothing reaches the client).
  throw new ApiError(400, 'client_closed_request', message);
}
