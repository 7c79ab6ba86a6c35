import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../providers/types.js';
import { countText, estimatePromptTokens, PromptTokens, promptTokenBound } from './tokens.js';

const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'What is the weather in Paris?' }] };

describe('countText', () => {
  it('counts a megabyte without spaces in linear time (the whole run took hours)', () => {
    const started = performance.now();
    expect(countText('x'.repeat(1_000_000))).toBeGreaterThan(100_000);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('stays within 2 % of the exact count on base64 and minified JSON', () => {
    const base64 = randomBytes(30_000).toString('base64');
    const json = JSON.stringify(Array.from({ length: 1_000 }, (_, i) => ({ id: i, name: `item${i}`, ok: i % 2 === 0 })));
    for (const text of [base64, json, `intro ${json} outro`]) {
      const exact = countTokens(text);
      expect(Math.abs(countText(text) - exact) / exact).toBeLessThan(0.02);
    }
  });

  it('is exact on ordinary prose', () => {
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(200);
    expect(countText(prose)).toBe(countTokens(prose));
  });
});

/** Random 8-letter words: the slowest text for gpt-tokenizer (each word is new, 5–14 µs per character). */
function randomWords(chars: number): string {
  const letters = randomBytes(chars)
    .toString('base64')
    .replace(/[^a-zA-Z]/g, 'q');
  let words = '';
  for (let i = 0; words.length < chars; i += 8) words += `${letters.slice(i, i + 8)} `;
  return words;
}

describe('estimatePromptTokens on hostile text', () => {
  const one = (content: string): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content }] });

  it('never counts below the exact count', () => {
    const words = randomWords(100_000);
    expect(estimatePromptTokens(one(words))).toBeGreaterThanOrEqual(countTokens(words));
  });

  it('answers in bounded time for a 4 MB prompt (exact counting took about a minute)', () => {
    const words = randomWords(4_000_000);
    const started = performance.now();
    const estimate = estimatePromptTokens(one(words));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(estimate).toBeGreaterThan(words.length / 3);
  });

  it('is exact on the first 4 KiB whatever the time', () => {
    const words = randomWords(4_000);
    expect(estimatePromptTokens(one(words))).toBe(estimatePromptTokens(one('')) + countTokens(words));
  });
});

describe('estimatePromptTokens counts what reaches the model besides messages', () => {
  const schema = {
    type: 'object',
    properties: Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`field_${i}`, { type: 'string', description: `the ${i}th field of the record` }]),
    ),
  };

  it.each<[string, Record<string, unknown>]>([
    ['tools', { tools: [{ type: 'function', function: { name: 'lookup', description: 'Looks things up', parameters: schema } }] }],
    ['a json_schema response_format', { response_format: { type: 'json_schema', json_schema: { name: 'out', schema } } }],
    ['legacy functions', { functions: [{ name: 'lookup', parameters: schema }] }],
    ['a prediction', { prediction: { type: 'content', content: JSON.stringify(schema) } }],
    ['an unknown pass-through field', { documents: [JSON.stringify(schema)] }],
  ])('%s', (_name, extra) => {
    const added = estimatePromptTokens({ ...base, ...extra }) - estimatePromptTokens(base);
    expect(added).toBeGreaterThanOrEqual(countText(JSON.stringify(schema)));
  });

  it('counts message fields other than content (tool calls, names, tool_call_id)', () => {
    const args = JSON.stringify(schema);
    const withCall: ChatRequest = {
      ...base,
      messages: [
        ...base.messages,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: args } }] },
      ],
    };
    expect(estimatePromptTokens(withCall) - estimatePromptTokens(base)).toBeGreaterThanOrEqual(countText(args));
  });

  it('does not count sampling, limits, metadata or other fields that never reach the prompt', () => {
    const knobs = {
      temperature: 0.5,
      max_tokens: 10,
      n: 2,
      stop: ['x'],
      metadata: { a: 'b'.repeat(500) },
      user: 'u'.repeat(100),
      seed: 1,
      stream: true,
    };
    expect(estimatePromptTokens({ ...base, ...knobs })).toBe(estimatePromptTokens(base));
  });
});

describe('promptTokenBound', () => {
  it('is never below the estimate, on random prompts of any script (fast-check)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    const text = fc.string({
      unit: fc.oneof(fc.constantFrom('a', ' ', 'é', '日', '🙂', '\n', '{', '"'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
      maxLength: 600,
    });
    const message = fc.record({ role: fc.constantFrom('user', 'assistant', 'system'), content: text });
    const request = fc.record({ model: fc.constant('m'), messages: fc.array(message, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(request, (body) => {
        const req = body as unknown as ChatRequest;
        expect(promptTokenBound(req)).toBeGreaterThanOrEqual(estimatePromptTokens(req));
      }),
      { seed, numRuns: 300, verbose: true },
    );
  });

  it('costs no tokenizer: hostile text is bounded by its bytes at once', () => {
    const hostile = randomBytes(1_500_000).toString('base64');
    const started = performance.now();
    const bound = promptTokenBound({ ...base, messages: [{ role: 'user', content: hostile }] });
    expect(performance.now() - started).toBeLessThan(100);
    expect(bound).toBe(Buffer.byteLength(hostile) + 3 + 4);
  });

  it('PromptTokens counts once, on first read, and never above the bound', () => {
    const prompt = new PromptTokens({ ...base, messages: [{ role: 'user', content: 'The quick brown fox. '.repeat(50) }] });
    expect(prompt.bound).toBeGreaterThan(1_000);
    expect(prompt.estimate).toBe(
      estimatePromptTokens({ ...base, messages: [{ role: 'user', content: 'The quick brown fox. '.repeat(50) }] }),
    );
    expect(prompt.estimate).toBeLessThan(prompt.bound / 3);
  });
});
