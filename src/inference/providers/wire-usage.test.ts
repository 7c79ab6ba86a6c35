/** The plausibility rule for reported usage, shared by every adapter (issue 10, finding 10). */
import { describe, expect, it } from 'vitest';
import { replaySse } from '../../../test/mocks/replay-sse.js';
import { createAnthropicStreamTranslator } from './anthropic/stream.js';
import { createGoogleStreamTranslator } from './google/stream.js';
import type { Usage } from './types.js';
import { MAX_PLAUSIBLE_TOKENS, plausibleUsage } from './wire-usage.js';

const usage = (promptTokens: number, completionTokens: number, cachedTokens = 0, more: Partial<Usage> = {}): Usage => ({
  promptTokens,
  completionTokens,
  cachedTokens,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
  ...more,
});

describe('plausibleUsage', () => {
  it('keeps usage that can be true', () => {
    expect(plausibleUsage(usage(10, 3, 4), true)).toEqual(usage(10, 3, 4));
    expect(plausibleUsage(usage(10, 0), false)).toEqual(usage(10, 0));
    expect(plausibleUsage(usage(MAX_PLAUSIBLE_TOKENS, 1, MAX_PLAUSIBLE_TOKENS), true)).not.toBeNull();
    const buckets = usage(10, 5, 2, { cacheWriteTokens: 3, cacheWrite1hTokens: 5, reasoningTokens: 5 });
    expect(plausibleUsage(buckets, true)).toEqual(buckets);
  });

  it.each([
    ['0 output tokens after delivering output', usage(10, 0), true],
    ['negative counts', usage(-1, 3), true],
    ['non-integer counts', usage(10, 2.5), true],
    ['NaN', usage(Number.NaN, 3), true],
    ['infinite counts', usage(10, Number.POSITIVE_INFINITY), true],
    ['more cached than prompt tokens', usage(10, 3, 11), true],
    ['no prompt tokens', usage(0, 3), true],
    ['more cache reads and writes than prompt tokens', usage(10, 3, 2, { cacheWriteTokens: 4, cacheWrite1hTokens: 5 }), true],
    ['a negative cache-write count', usage(10, 3, 0, { cacheWriteTokens: -1 }), true],
    ['fractional 1-hour writes', usage(10, 3, 0, { cacheWrite1hTokens: 0.5 }), true],
    ['more reasoning than output tokens', usage(10, 3, 0, { reasoningTokens: 4 }), true],
    ['counts beyond any model', usage(10, MAX_PLAUSIBLE_TOKENS + 1), true],
  ])('treats %s as missing', (_name, reported, delivered) => {
    expect(plausibleUsage(reported, delivered)).toBeNull();
  });
});

const sse = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

describe('adapters apply it', () => {
  it('an Anthropic stream that delivered text but reports 0 output tokens sends no usage (the gateway estimates)', () => {
    const transcript = [
      sse('message_start', { message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 12, output_tokens: 0 } } }),
      sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
      sse('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 0 } }),
      sse('message_stop', {}),
    ].join('');
    const events = replaySse(transcript, createAnthropicStreamTranslator({ model: 'm', messages: [] }));
    expect(events.some((e) => e.type === 'usage')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'chunk', chunk: { choices: [{ finish_reason: 'stop' }] } });
  });

  it('an Anthropic stream without usage at all sends none, rather than zeros', () => {
    const transcript = [
      sse('message_start', { message: { id: 'msg_1', model: 'claude' } }),
      sse('content_block_start', { index: 0, content_block: { type: 'text', text: 'Hi' } }),
      sse('message_delta', { delta: { stop_reason: 'end_turn' } }),
      sse('message_stop', {}),
    ].join('');
    const events = replaySse(transcript, createAnthropicStreamTranslator({ model: 'm', messages: [] }));
    expect(events.some((e) => e.type === 'usage')).toBe(false);
  });

  it('a Gemini stream with a non-numeric usageMetadata is answered, its usage dropped', () => {
    const frame = {
      candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 'many' },
    };
    const events = replaySse(`data: ${JSON.stringify(frame)}\r\n\r\n`, createGoogleStreamTranslator({ model: 'm', messages: [] }));
    expect(events.map((e) => e.type)).toEqual(['chunk', 'chunk', 'chunk']);
  });
});
