import { describe, expect, it } from 'vitest';
import { parseAnthropicError } from './errors.js';

const body = (type: string, message: string): string =>
  JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' });

describe('anthropic errors', () => {
  it('classifies 529 overloaded_error as a retryable server error', () => {
    expect(parseAnthropicError(529, body('overloaded_error', 'Overloaded'), {})).toEqual({
      kind: 'server',
      status: 529,
      retryable: true,
      message: 'Overloaded',
    });
  });

  it('classifies 429 with retry-after', () => {
    expect(
      parseAnthropicError(429, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), {
        'retry-after': '12',
      }),
    ).toMatchObject({
      kind: 'rate_limited',
      retryAfterSeconds: 12,
    });
  });

  it('classifies authentication_error as auth and invalid_request_error as final', () => {
    expect(parseAnthropicError(401, body('authentication_error', 'invalid x-api-key'), {})).toMatchObject({
      kind: 'auth',
      retryable: true,
      message: 'invalid x-api-key',
    });
    expect(parseAnthropicError(400, body('invalid_request_error', 'max_tokens: Field required'), {})).toMatchObject({
      kind: 'invalid_request',
      retryable: false,
      message: 'max_tokens: Field required',
    });
  });

  it('redacts keys echoed in a message', () => {
    const error = parseAnthropicError(400, body('invalid_request_error', 'bad header x-api-key: sk-ant-api03-abcdefghijklmnop'), {});
    expect(error.message).not.toContain('abcdefghijklmnop');
  });
});
