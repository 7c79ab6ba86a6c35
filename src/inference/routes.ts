/** Inference routes (spec §5): OpenAI's shapes, unwrapped; end-user keys, or platform keys for testing. */
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../http/auth.js';
import { errorHandlerWith } from '../http/error-handler.js';
import { withErrors } from '../http/error-schema.js';
import { ApiError } from '../http/errors.js';
import { authenticate } from '../http/hooks.js';
import { handleInference, type InferenceDeps } from './core/pipeline.js';
import type { Candidate } from './core/route-cache.js';
import { chatIngress } from './ingress/chat/format.js';
import { anthropicErrorBody, countMessageTokens, messagesIngressFor } from './ingress/messages/index.js';
import { createResponsesIngress, ResponseStore } from './ingress/responses/index.js';
import type { Caller } from './ingress/types.js';
import {
  AnthropicMessage,
  anthropicResponses,
  ChatCompletion,
  DeletedResponse,
  InputTokens,
  Model,
  ModelList,
  passThrough,
  ResponseObject,
} from './openapi.js';

const tags = ['Inference'];

const modelObject = (id: string, candidates: Candidate[]) => ({
  id,
  object: 'model' as const,
  created: candidates[0].createdAtS,
  owned_by: candidates[0].providerSlug,
});

/** Whose stored responses a key sees: an end-user key its own, a platform key those made with platform keys. */
const callerOf = (p: Principal | null): Caller => ({
  platformId: p && p.kind !== 'admin' ? (p.platformId ?? '') : '',
  endUserId: p?.kind === 'end_user' ? p.endUserId : null,
});

const responseNotFound = (id: string) => new ApiError(404, 'not_found', `No response with id '${id.slice(0, 128)}' was found.`);

export function registerInferenceRoutes(app: FastifyInstance, deps: InferenceDeps) {
  const auth = authenticate(deps.ctx, ['end_user', 'platform'], { xApiKey: true });
  const platformOf = (p: Principal | null) => (p && p.kind !== 'admin' ? (p.platformId ?? '') : '');

  app.post(
    '/v1/chat/completions',
    {
      onRequest: auth,
      bodyLimit: deps.ctx.config.limits.inferenceBodyBytes,
      serializerCompiler: passThrough,
      schema: {
        tags,
        summary: 'OpenAI-compatible chat completion (streaming and not)',
        description: "Request and response exactly as OpenAI Chat Completions; routed to the platform's providers and billed.",
        response: withErrors({ 200: ChatCompletion }),
      },
    },
    (req, reply) => handleInference(deps, chatIngress, req, reply),
  );

  // OpenAI's Responses API (spec §5a): stored responses are the caller's own (platform and end user).
  const responseStore = new ResponseStore(deps.ctx.store.db, deps.ctx.clock);
  const responsesIngress = createResponsesIngress(responseStore);
  app.post(
    '/v1/responses',
    {
      onRequest: auth,
      bodyLimit: deps.ctx.config.limits.inferenceBodyBytes,
      serializerCompiler: passThrough,
      schema: {
        tags,
        summary: 'OpenAI Responses API (streaming and not)',
        description:
          "Request, response and typed stream events as OpenAI's Responses API; routed to any provider kind and billed. Responses are stored 30 days unless store is false.",
        response: withErrors({ 200: ResponseObject }),
      },
    },
    (req, reply) => handleInference(deps, responsesIngress, req, reply),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/responses/:id',
    {
      onRequest: auth,
      serializerCompiler: passThrough,
      schema: { tags, summary: 'A stored response of the caller', response: withErrors({ 200: ResponseObject }) },
    },
    async (req) => {
      const stored = await responseStore.get(callerOf(req.principal), req.params.id);
      if (!stored) throw responseNotFound(req.params.id);
      return stored.response;
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/responses/:id',
    {
      onRequest: auth,
      serializerCompiler: passThrough,
      schema: { tags, summary: 'Delete a stored response of the caller', response: withErrors({ 200: DeletedResponse }) },
    },
    async (req) => {
      if (!(await responseStore.delete(callerOf(req.principal), req.params.id))) throw responseNotFound(req.params.id);
      return { id: req.params.id, object: 'response', deleted: true };
    },
  );

  // Anthropic's Messages API (spec §5b): every error on these routes, auth and body errors included, in Anthropic's shape.
  const anthropicErrors = errorHandlerWith(anthropicErrorBody, deps.ctx.config.limits.inferenceBodyBytes);
  app.post(
    '/v1/messages',
    {
      onRequest: auth,
      errorHandler: anthropicErrors,
      bodyLimit: deps.ctx.config.limits.inferenceBodyBytes,
      serializerCompiler: passThrough,
      schema: {
        tags,
        summary: 'Anthropic Messages API (streaming and not)',
        description: "Request, response, stream events and errors as Anthropic's Messages API; routed to any provider kind and billed.",
        response: anthropicResponses({ 200: AnthropicMessage }),
      },
    },
    (req, reply) => handleInference(deps, messagesIngressFor(req.headers), req, reply),
  );
  app.post(
    '/v1/messages/count_tokens',
    {
      onRequest: auth,
      errorHandler: anthropicErrors,
      bodyLimit: deps.ctx.config.limits.inferenceBodyBytes,
      serializerCompiler: passThrough,
      schema: {
        tags,
        summary: "The gateway's estimate of a Messages prompt's input tokens (not billed)",
        response: anthropicResponses({ 200: InputTokens }),
      },
    },
    async (req) => {
      const counted = countMessageTokens(req.body);
      const model = (req.body as { model: string }).model;
      const routing = await deps.routes.forPlatform(platformOf(req.principal));
      if (!routing.byModel.has(model)) {
        throw new ApiError(404, 'model_not_found', `The model \`${model}\` does not exist or your platform cannot route it.`, {
          param: 'model',
        });
      }
      return counted;
    },
  );

  app.get(
    '/v1/models',
    {
      onRequest: auth,
      serializerCompiler: passThrough,
      schema: { tags, summary: "Models the caller's platform can route (OpenAI list shape)", response: withErrors({ 200: ModelList }) },
    },
    async (req) => {
      const routing = await deps.routes.forPlatform(platformOf(req.principal));
      const data = [...routing.byModel].map(([id, candidates]) => modelObject(id, candidates)).sort((a, b) => a.id.localeCompare(b.id));
      return { object: 'list', data };
    },
  );

  app.get<{ Params: { '*': string } }>(
    '/v1/models/*',
    {
      onRequest: auth,
      serializerCompiler: passThrough,
      schema: { tags, summary: 'One routable model', response: withErrors({ 200: Model }) },
    },
    async (req) => {
      const id = req.params['*'];
      const routing = await deps.routes.forPlatform(platformOf(req.principal));
      const candidates = routing.byModel.get(id);
      if (!candidates)
        throw new ApiError(404, 'model_not_found', `The model \`${id}\` does not exist or your platform cannot route it.`, {
          param: 'model',
        });
      return modelObject(id, candidates);
    },
  );
}
