import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-AbCdEf1234567890XyZ.', 'Incorrect API key provided: [redacted].'],
    ['key sk-ant-api03-Zz9_Yy8-Xx7 refused', 'key [redacted] refused'],
    ['end user key sk-eu_4f2a9b8c7d6e5f40', 'end user key [redacted]'],
    ['AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', '[redacted]'],
    ['xai-AbCdEfGhIjKlMnOpQrStUvWx rejected', '[redacted] rejected'],
    ['gsk_AbCdEfGhIjKlMnOpQrStUvWx rejected', '[redacted] rejected'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: [redacted]'],
    ['header x-api-key: hunter2-secret was invalid', 'header x-api-key: [redacted] was invalid'],
    ['url ?api_key=abcd1234&x=1', 'url ?api_key=[redacted]&x=1'],
    ['digest 0123456789abcdef0123456789abcdef01234567', 'digest [redacted]'],
    ['token Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL', 'token [redacted]'],
  ])('redacts %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it.each([
    'The model `claude-3-7-sonnet-20250219-extended-thinking-preview` does not exist',
    'API key not valid. Please pass a valid API key.',
    'invalid x-api-key',
    'max_tokens: Field required',
    'See https://platform.openai.com/account/api-keys for details',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
