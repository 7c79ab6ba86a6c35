/** The root error handler and the not-found/wrong-method handler: the only places error bodies are built. */

import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import FindMyWay from 'find-my-way';
import { ApiError, errorBody, errors } from './errors.js';
import { targetPath } from './request-target.js';

function toApiError(err: unknown, bodyLimitBytes: number): ApiError {
  if (err instanceof ApiError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const where = err.validationContext === 'querystring' ? 'query' : err.validationContext;
    // An unknown field names itself; otherwise the path, e.g. `settings.markup_percentage` or `messages[0].role`.
    const unknownKeys = first.keyword === 'unrecognized_keys' ? (first.params?.keys as string[] | undefined) : undefined;
    const path = [...pathSegments(first.instancePath), ...(unknownKeys?.length ? [unknownKeys[0]] : [])];
    const param = formatParam(path) || (where === 'body' ? 'body' : String(where));
    const what = where === 'body' ? 'field' : where === 'query' ? 'query parameter' : `${where} parameter`;
    const message = unknownKeys?.length
      ? `Unknown ${what} "${param}": it is not part of this request's schema.`
      : `Invalid ${what} "${param}": ${first.message}.`;
    return errors.validation(param, message);
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.tooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidJson();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.invalidJson('Send the body as JSON with "Content-Type: application/json".');
  }
  if (fe instanceof SyntaxError) return errors.invalidJson();
  // A plugin's own 4xx (e.g. the static file server of /docs refusing `..%2f`): the caller's error, told
  // generically (a library's message may name files or internals).
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 403 || status === 404) return new ApiError(404, 'not_found', 'Not found.');
    return new ApiError(status, 'invalid_request', `The request was refused: ${STATUS_CODES[status] ?? 'bad request'}.`);
  }
  return errors.internal();
}

function pathSegments(instancePath: string): string[] {
  return instancePath.split('/').filter(Boolean);
}

/** `["messages", "0", "role"]` → `messages[0].role` (OpenAI's way of naming a nested field). */
function formatParam(segments: string[]): string {
  return segments.reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/**
 * An error handler answering in `render`'s body shape with the same mapping: the root one uses §1's, a
 * route of another wire format (Anthropic's on /v1/messages) its own.
 */
export function errorHandlerWith(render: (err: ApiError, requestId: string) => unknown, bodyLimitBytes: number) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(err, (req.routeOptions.bodyLimit as number | undefined) ?? bodyLimitBytes);
    if (apiError.status >= 500) req.log.error({ err }, 'request failed');
    for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
    return reply.code(apiError.status).send(render(apiError, req.id));
  };
}

export function installErrorHandlers(app: FastifyInstance, bodyLimitBytes: number) {
  app.setErrorHandler(errorHandlerWith(errorBody, bodyLimitBytes));

  // Fastify answers an unknown method on a known path with 404; keep our own table to say 405 instead.
  const known = FindMyWay({ defaultRoute: () => undefined });
  const noop = () => undefined;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      try {
        known.on(method as 'GET', route.url, noop);
      } catch {
        // the same path registered twice for a method: already known
      }
    }
  });

  app.setNotFoundHandler((req, reply) => {
    const path = targetPath(req.url);
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => known.find(m, path) !== null);
    // A route that takes this method but found nothing behind it (a missing file under a wildcard) is a 404.
    if (allowed.length > 0 && !allowed.includes(req.method as 'GET')) {
      reply.header('allow', allowed.join(', '));
      const err = new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}.`);
      return reply.code(405).send(errorBody(err, req.id));
    }
    return reply.code(404).send(errorBody(new ApiError(404, 'not_found', `No route for ${req.method} ${path}.`), req.id));
  });
}
