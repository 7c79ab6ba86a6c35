/** Builds the Fastify app from the modules: cross-cutting plugins first, then each concern's routes. */
import { EventEmitter } from 'node:events';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from './context.js';
import { uuidv7 } from './crypto/ids.js';
import { clientErrorHandler } from './http/client-errors.js';
import { installCors } from './http/cors.js';
import { registerDashboard } from './http/dashboard.js';
import { installErrorHandlers } from './http/error-handler.js';
import { ApiError, errorBody, errors } from './http/errors.js';
import { registerHealthRoutes } from './http/health.js';
import { nestsDeeperThan } from './http/json-depth.js';
import { installMetrics } from './http/metrics.js';
import { openApiComponents } from './http/openapi.js';
import { targetPath } from './http/request-target.js';
import { baseSecurityHeaders, docsCsp, installSecurityHeaders } from './http/security-headers.js';
import { registerManagementRoutes } from './management/index.js';

const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;
const inferencePrefixes = ['/v1/chat/', '/v1/responses', '/v1/messages'];
/** Case-insensitive and dot-segment-proof: any target the router could send to an inference route counts. */
const isInferenceTarget = (url: string) => {
  const path = targetPath(url).toLowerCase();
  return path === '' || inferencePrefixes.some((prefix) => path.startsWith(prefix)) || path.includes('/../') || path.includes('/./');
};

export type ServerRole = 'all' | 'management' | 'inference';

export type AppModules = {
  /** Extra route plugins (inference, dashboard) registered by later modules. */
  extraRoutes?: Array<(app: FastifyInstance, ctx: AppContext) => Promise<void> | void>;
  /** `assistiv serve --role`: management (API, dashboard, docs), inference, or both (spec §0). */
  role?: ServerRole;
  logger?: boolean;
  /** Where log lines go instead of stdout (the test suite's secrets scan collects them in a file). */
  logStream?: { write(line: string): void };
};

export async function buildApp(ctx: AppContext, modules: AppModules = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      modules.logger === false
        ? false
        : {
            level: ctx.config.logLevel,
            redact: {
              paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.raw_key'],
              censor: '[redacted]',
            },
            ...(modules.logStream && { stream: modules.logStream }),
          },
    bodyLimit: ctx.config.limits.managementBodyBytes,
    // Slow-loris bounds (config.ts): Node's requestTimeout ends when the request has been received, so a long
    // response stream is never cut by it. Checked every second instead of Node's default 30 s.
    requestTimeout: ctx.config.http.requestTimeoutMs,
    keepAliveTimeout: ctx.config.http.keepAliveTimeoutMs,
    http: {
      headersTimeout: ctx.config.http.headersTimeoutMs,
      requestTimeout: ctx.config.http.requestTimeoutMs,
      maxHeaderSize: ctx.config.limits.maxHeaderBytes,
      connectionsCheckingInterval: 1000,
    },
    clientErrorHandler: clientErrorHandler(ctx.config.limits.maxHeaderBytes),
    // A target that does not percent-decode is refused before routing, so before any hook: set our headers here.
    frameworkErrors: (_err, req, reply) => {
      const err = new ApiError(400, 'invalid_request', 'The request target is not valid percent-encoded UTF-8.');
      return (reply as FastifyReply).headers(baseSecurityHeaders).header('x-request-id', req.id).code(400).send(errorBody(err, req.id));
    },
    genReqId: (req) => {
      // Inference ids key the ledger (one debit per request id): they are always ours, so a reused
      // client id can never collide with, or ride on, an earlier settled call. The client's id is
      // echoed as x-client-request-id there; everywhere else it is the request id (spec §0).
      if (req.method !== 'GET' && isInferenceTarget(req.url ?? '')) return uuidv7();
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && saneRequestId.test(given) ? given : uuidv7();
    },
    requestIdHeader: false,
    // Per-request lines cost CPU on every call: only at debug. Errors are always logged.
    logController: new LogController({ disableRequestLogging: ctx.config.logLevel !== 'debug' && ctx.config.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true },
    // While shutting down, requests on connections still open get our §1 503 (the hook below), not Fastify's.
    return503OnClosing: false,
    // Off unless the operator names the proxies in front (ASSISTIV_TRUST_PROXY): a client could forge the header.
    trustProxy: ctx.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('idempotency', null);

  // Lenient JSON: an empty body is "no body" (DELETE from SDKs), anything unparsable is our 400. Depth is
  // bounded here, once for every route, so no validator, serializer or log writer recurses into a hostile document.
  const maxDepth = ctx.config.limits.jsonMaxDepth;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(errors.invalidJson(), undefined);
    }
    if (nestsDeeperThan(parsed, maxDepth)) {
      return done(errors.validation('body', `The JSON body nests objects and arrays more than ${maxDepth} levels deep.`), undefined);
    }
    done(null, parsed);
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const given = req.headers['x-request-id'];
    if (given !== undefined && given !== req.id && typeof given === 'string' && saneRequestId.test(given)) {
      reply.header('x-client-request-id', given);
    }
    if (closing) {
      // A keep-alive connection that outlived the listener: refuse before anything is admitted, and close it.
      throw new ApiError(503, 'shutting_down', 'The gateway is shutting down; retry the request (another instance will answer).', {
        headers: { connection: 'close', 'retry-after': '1' },
      });
    }
  });

  installSecurityHeaders(app);
  installErrorHandlers(app, ctx.config.limits.managementBodyBytes);
  installCors(app, ctx.config.corsOrigins);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Assistiv Gateway API',
        version: '1.0.0',
        description: 'Multi-tenant LLM gateway: operator, platform, self-service and OpenAI-compatible inference APIs.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'sk-admin_, sk-plat_ or sk-eu_ key' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: openApiComponents,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsCsp });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerHealthRoutes(app, ctx);
  const role = modules.role ?? 'all';
  if (role !== 'inference') await registerDashboard(app);
  installMetrics(app, ctx.jobs);
  if (role !== 'inference') await app.register(async (scope) => registerManagementRoutes(scope, ctx), { prefix: '/v1' });
  if (role !== 'management') for (const extra of modules.extraRoutes ?? []) await app.register(async (scope) => extra(scope, ctx));
  return app;
}

export function newEventBus(): EventEmitter {
  const bus = new EventEmitter();
  bus.setMaxListeners(100);
  return bus;
}
