/** Every provider's parseError gives a readable message for every error body shape: never raw JSON. */
import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from './anthropic/index.js';
import { googleAdapter } from './google/index.js';
import { openaiAdapter } from './openai/index.js';

const adapters = [openaiAdapter, anthropicAdapter, googleAdapter];

/** [body, expected message] — the documented shape of each provider, with and without optional fields. */
const bodies: Array<[string, string]> = [
  // OpenAI {error:{message,type,param,code}}, with code, without code, with nothing but a type.
  ['{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}', 'Rate limit reached'],
  ['{"error":{"message":"The model is overloaded","type":"server_error"}}', 'The model is overloaded'],
  ['{"error":{"type":"server_error"}}', 'the provider answered HTTP 503 (server_error) without an error message'],
  // Anthropic {type:'error',error:{type,message}}, with and without the inner type.
  ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}', 'Overloaded'],
  ['{"type":"error","error":{"message":"Overloaded"}}', 'Overloaded'],
  ['{"type":"error","error":{"type":"api_error"}}', 'the provider answered HTTP 503 (api_error) without an error message'],
  // Google {error:{code,message,status}}, without code, as a one-element array, with only a status.
  ['{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}', 'The model is overloaded.'],
  ['{"error":{"message":"The model is overloaded.","status":"UNAVAILABLE"}}', 'The model is overloaded.'],
  ['[{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}]', 'The model is overloaded.'],
  ['{"error":{"code":503,"status":"UNAVAILABLE"}}', 'the provider answered HTTP 503 (UNAVAILABLE) without an error message'],
  // Compatible servers and proxies.
  ['{"error":"context too long"}', 'context too long'],
  ['{"message":"no healthy upstream"}', 'no healthy upstream'],
  ['{"detail":[{"loc":["body","messages"],"msg":"field required","type":"missing"}]}', 'field required'],
  ['{"error":{"message":42,"code":7}}', 'the provider answered HTTP 503 without an error message'],
  ['{"error":null}', 'the provider answered HTTP 503 without an error message'],
  ['[1,2,3]', 'the provider answered HTTP 503 without an error message'],
  ['{}', 'the provider answered HTTP 503 without an error message'],
  ['', 'the provider answered HTTP 503 without an error message'],
  ['<html><body><h1>503 Service Unavailable</h1></body></html>', 'the provider answered HTTP 503 without an error message'],
  ['no healthy upstream', 'the provider answered HTTP 503: no healthy upstream'],
  ['{"error":{"message":"cut', 'the provider answered HTTP 503 without an error message'],
];

describe.each(adapters)('$kind parseError messages', (adapter) => {
  it.each(bodies)('reads %s', (body, expected) => {
    const error = adapter.parseError(503, body, {});
    expect(error).toMatchObject({ kind: 'server', status: 503, retryable: true });
    expect(error.message).toBe(expected);
  });

  it('never shows a well-formed JSON body raw, and bounds the message', () => {
    const long = JSON.stringify({ error: { message: 'x'.repeat(5000) } });
    expect(adapter.parseError(400, long, {}).message.length).toBeLessThanOrEqual(500);
    const noMessage = JSON.stringify({ error: { type: 'invalid_request_error', param: 'messages', code: null } });
    expect(adapter.parseError(400, noMessage, {}).message).not.toContain('{');
  });
});
