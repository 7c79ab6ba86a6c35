import { describe, expect, it } from 'vitest';
import { parseOpenAiError } from './errors.js';

describe('openai errors', () => {
  it('classifies 429 as rate_limited and keeps retry-after seconds', () => {
    const body = '{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","param":null,"code":"rate_limit_exceeded"}}';
    expect(parseOpenAiError(429, body, { 'retry-after': '7' })).toEqual({
      kind: 'rate_limited',
      status: 429,
      retryable: true,
      message: 'Rate limit reached for gpt-4o',
      retryAfterSeconds: 7,
    });
  });

  it('classifies 401 as auth (retryable on another route) and redacts the key in the message', () => {
    const body =
      '{"error":{"message":"Incorrect API key provided: sk-proj-AbCdEfGh12345678. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}';
    const error = parseOpenAiError(401, body, {});
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: true });
    expect(error.message).toBe(
      'Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.',
    );
  });

  it.each([400, 404, 413, 422])('classifies %i as a final invalid_request', (status) => {
    expect(
      parseOpenAiError(status, '{"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":null}}', {}),
    ).toMatchObject({
      kind: 'invalid_request',
      status,
      retryable: false,
      message: 'bad',
    });
  });

  it.each([500, 502, 503])('classifies %i as a retryable server error', (status) => {
    expect(parseOpenAiError(status, '{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}', {})).toMatchObject(
      {
        kind: 'server',
        retryable: true,
      },
    );
  });

  it('reads the error shapes of compatible servers and non-JSON bodies', () => {
    expect(parseOpenAiError(400, '{"detail":"model not loaded"}', {}).message).toBe('model not loaded');
    expect(parseOpenAiError(400, '{"error":"context too long"}', {}).message).toBe('context too long');
    expect(parseOpenAiError(502, '<html>Bad Gateway</html>', {}).message).toBe('the provider answered HTTP 502 without an error message');
    expect(parseOpenAiError(503, 'upstream connect error', {}).message).toBe('the provider answered HTTP 503: upstream connect error');
  });
});
