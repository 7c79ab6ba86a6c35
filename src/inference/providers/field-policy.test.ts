import { describe, expect, it } from 'vitest';
import { anthropicFieldPolicy } from './anthropic/request.js';
import { boundedWarnings, CHAT_FIELDS, fieldWarnings } from './field-policy.js';
import { googleFieldPolicy } from './google/request.js';

describe('field policies', () => {
  it('cover every documented field and nothing else', () => {
    for (const policy of [anthropicFieldPolicy, googleFieldPolicy]) expect(Object.keys(policy).sort()).toEqual([...CHAT_FIELDS].sort());
  });

  it('warn only about fields that are present and not null', () => {
    expect(fieldWarnings({ seed: null, logit_bias: undefined, temperature: 1 }, anthropicFieldPolicy)).toEqual([]);
  });
});

describe('boundedWarnings', () => {
  it('dedupes, cuts long warnings and caps the list, counting the rest', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `unknown field "f${i}" is not sent to this provider`);
    const out = boundedWarnings([...many, many[0] as string, 'x'.repeat(10_000)]);
    expect(out).toHaveLength(21);
    expect(out[0]).toBe(many[0]);
    expect(out[20]).toBe('… and 4981 more warnings');
    expect(boundedWarnings(['a', 'a', 'y'.repeat(300)])).toEqual(['a', `${'y'.repeat(200)}…`]);
  });
});
