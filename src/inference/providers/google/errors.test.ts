import { describe, expect, it } from 'vitest';
import { parseGoogleError } from './errors.js';

describe('google errors', () => {
  it('classifies the 400 API_KEY_INVALID answer as auth, so another route may be tried', () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
      },
    });
    expect(parseGoogleError(400, body, {})).toEqual({
      kind: 'auth',
      status: 400,
      retryable: true,
      message: 'API key not valid. Please pass a valid API key.',
    });
  });

  it('classifies 429 RESOURCE_EXHAUSTED and reads RetryInfo when no retry-after header came', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
      },
    });
    expect(parseGoogleError(429, body, {})).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 37 });
    expect(parseGoogleError(429, body, { 'retry-after': '3' })).toMatchObject({ retryAfterSeconds: 3 });
  });

  it('classifies INVALID_ARGUMENT as final and UNAVAILABLE as a retryable server error', () => {
    const error = (code: number, status: string): string => JSON.stringify({ error: { code, message: `${status} happened`, status } });
    expect(parseGoogleError(400, error(400, 'INVALID_ARGUMENT'), {})).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(parseGoogleError(404, error(404, 'NOT_FOUND'), {})).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(parseGoogleError(503, error(503, 'UNAVAILABLE'), {})).toMatchObject({ kind: 'server', retryable: true });
    expect(parseGoogleError(403, error(403, 'PERMISSION_DENIED'), {})).toMatchObject({ kind: 'auth', retryable: true });
  });

  it('redacts a Google key echoed in a message', () => {
    const body = JSON.stringify({
      error: { code: 400, message: 'Key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW is malformed', status: 'INVALID_ARGUMENT' },
    });
    expect(parseGoogleError(400, body, {}).message).toBe('Key [redacted] is malformed');
  });
});
