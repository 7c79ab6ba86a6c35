/**
 * /openapi.json describes the inference routes' answers too (OpenAI's and Anthropic's shapes, and each route's
 * error shape), real answers match those schemas with the provider's extra fields kept, and the schemas only
 * document: an answer is sent as built even when it does not match (no serializer work on the hot path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ErrorBody } from '../../../src/http/error-schema.js';
import {
  AnthropicError,
  AnthropicMessage,
  ChatCompletion,
  DeletedResponse,
  InputTokens,
  Model,
  ModelList,
  ResponseObject,
} from '../../../src/inference/openapi.js';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';
import { dialects } from '../../helpers/suites.js';

type Responses = Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
type OpenApi = { paths: Record<string, Record<string, { responses: Responses }>> };

/** Every inference operation, its success status and the components of its body and its errors. */
const documented: Array<[path: string, method: string, status: string, body: string, error: string]> = [
  ['/v1/chat/completions', 'post', '200', 'ChatCompletion', 'Error'],
  ['/v1/responses', 'post', '200', 'Response', 'Error'],
  ['/v1/responses/{id}', 'get', '200', 'Response', 'Error'],
  ['/v1/responses/{id}', 'delete', '200', 'DeletedResponse', 'Error'],
  ['/v1/messages', 'post', '200', 'AnthropicMessage', 'AnthropicError'],
  ['/v1/messages/count_tokens', 'post', '200', 'InputTokens', 'AnthropicError'],
  ['/v1/models', 'get', '200', 'ModelList', 'Error'],
  ['/v1/models/{*}', 'get', '200', 'Model', 'Error'],
];

const ref = (name: string) => `#/components/schemas/${name}`;

function expectMatches(schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
}

describe.each(dialects)('inference routes in /openapi.json (%s)', (dialect) => {
  let f: InferenceFixture;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${f.gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    f = await startInferenceFixture({ dialect, walletUsd: 10 });
    await f.addRoute('doc-gpt', 'openai', 'gpt-ok');
    await f.addRoute('doc-claude', 'anthropic', 'claude-ok');
  });
  afterAll(() => f?.close());

  it('declares each body and its error shape (Anthropic routes answer errors in theirs)', async () => {
    const doc = (await (await fetch(`${f.gw.url}/openapi.json`)).json()) as OpenApi;
    const found = Object.entries(doc.paths)
      .filter(([path]) => /^\/v1\/(chat|responses|messages|models)/.test(path))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(found.sort()).toEqual(documented.map(([path, method]) => `${method} ${path}`).sort());
    for (const [path, method, status, body, error] of documented) {
      const responses = doc.paths[path][method].responses;
      expect(responses[status].content?.['application/json'].schema.$ref, `${method} ${path}`).toBe(ref(body));
      for (const s of ['4XX', '5XX'])
        expect(responses[s].content?.['application/json'].schema.$ref, `${method} ${path} ${s}`).toBe(ref(error));
    }
  });

  it('real answers match the schemas, and what the provider added stays in them', async () => {
    const chat = await call('POST', '/v1/chat/completions', { model: 'doc-gpt', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(200);
    expectMatches(ChatCompletion, chat.body);
    // Not named by the schema: passed on as the provider sent it.
    expect(chat.body.system_fingerprint).toBe('fp_mock');

    const message = await call('POST', '/v1/messages', {
      model: 'doc-claude',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.status).toBe(200);
    expectMatches(AnthropicMessage, message.body);
    expect(message.body.usage.cache_read_input_tokens).toBe(0);

    const tokens = await call('POST', '/v1/messages/count_tokens', { model: 'doc-claude', messages: [{ role: 'user', content: 'hi' }] });
    expect(tokens.status).toBe(200);
    expectMatches(InputTokens, tokens.body);

    const created = await call('POST', '/v1/responses', { model: 'doc-gpt', input: 'hi' });
    expect(created.status).toBe(200);
    expectMatches(ResponseObject, created.body);
    const stored = await call('GET', `/v1/responses/${created.body.id}`);
    expect(stored.body).toEqual(created.body);
    expectMatches(ResponseObject, stored.body);
    const deleted = await call('DELETE', `/v1/responses/${created.body.id}`);
    expectMatches(DeletedResponse, deleted.body);

    const models = await call('GET', '/v1/models');
    expectMatches(ModelList, models.body);
    expect(models.body.data.map((m: { id: string }) => m.id)).toContain('doc-gpt');
    expectMatches(Model, (await call('GET', '/v1/models/doc-gpt')).body);

    const missing = await call('POST', '/v1/chat/completions', { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(missing.status).toBe(404);
    expectMatches(ErrorBody, missing.body);
    const missingClaude = await call('POST', '/v1/messages', {
      model: 'nope',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(missingClaude.status).toBe(404);
    expectMatches(AnthropicError, missingClaude.body);
  });

  it('the schemas only document: an answer that does not match them is still sent as built', async () => {
    const created = await call('POST', '/v1/responses', { model: 'doc-gpt', input: 'hi' });
    // A stored response of an older shape (no `output`, no `usage`): a serializer checking the schema would answer 500.
    const odd = { id: created.body.id, object: 'response', status: 'completed', legacy_field: [1, 2] };
    await f.gw.ctx.store.db
      .updateTable('responses')
      .set({ response: JSON.stringify(odd) })
      .where('id', '=', created.body.id)
      .execute();
    expect(ResponseObject.safeParse(odd).success).toBe(false);
    const got = await call('GET', `/v1/responses/${created.body.id}`);
    expect(got).toEqual({ status: 200, body: odd });
  });
});
