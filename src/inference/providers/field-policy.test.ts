import { describe, expect, it } from 'vitest';
import { anthropicFieldPolicy } from './anthropic/request.js';
import { CHAT_FIELDS, fieldWarnings } from './field-policy.js';
import { googleFieldPolicy } from './google/request.js';

describe('field policies', () => {
  it('cover every documented field and nothing else', () => {
    for (const policy of [anthropicFieldPolicy, googleFieldPolicy]) expect(Object.keys(policy).sort()).toEqual([...CHAT_FIELDS].sort());
  });

  it('warn only about fields that are present and not null', () => {
    expect(fieldWarnings({ seed: null, logit_bias: undefined, temperature: 1 }, anthropicFieldPolicy)).toEqual([]);
  });
});
