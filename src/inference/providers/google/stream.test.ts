import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finishReasons, replaySse, streamedText, streamedToolCalls } from '../../../../test/mocks/replay-sse.js';
import { createGoogleStreamTranslator } from './stream.js';

const fixture = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const body = { model: 'gemini', messages: [] };

describe('google stream', () => {
  it('translates CRLF-framed chunks: role, text deltas, one finish_reason, usage from the last usageMetadata', () => {
    const events = replaySse(fixture('text.chunks.txt'), createGoogleStreamTranslator(body));
    expect(events[0]).toMatchObject({ type: 'chunk', chunk: { choices: [{ index: 0, delta: { role: 'assistant' } }] } });
    expect(streamedText(events)).toBe('The sky is blue.');
    expect(finishReasons(events)).toEqual([[0, 'stop']]);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 10, completionTokens: 129, cachedTokens: 4, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 124 },
      wire: {
        prompt_tokens: 10,
        completion_tokens: 129,
        total_tokens: 139,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 124 },
      },
    });
    expect(events.filter((e) => e.type === 'chunk').every((e) => e.type === 'chunk' && e.chunk.id === 'Qe2iaM2VJ4ytz7IPj7yA-AU')).toBe(
      true,
    );
  });

  it('emits whole function calls as indexed tool-call deltas and finishes with tool_calls', () => {
    const events = replaySse(fixture('function-calls.chunks.txt'), createGoogleStreamTranslator(body));
    const calls = streamedToolCalls(events);
    expect(calls.map((c) => [c.name, c.arguments])).toEqual([
      ['get_weather', '{"location":"Paris"}'],
      ['get_time', '{"tz":"CET"}'],
    ]);
    expect(calls.every((c) => c.id.startsWith('call_'))).toBe(true);
    expect(finishReasons(events)).toEqual([[0, 'tool_calls']]);
  });

  it('keeps candidates apart, one finish_reason each', () => {
    const frame = (candidates: unknown[]): string => `data: ${JSON.stringify({ candidates })}\r\n\r\n`;
    const transcript =
      frame([
        { content: { parts: [{ text: 'a' }] }, index: 0 },
        { content: { parts: [{ text: 'b' }] }, index: 1 },
      ]) +
      frame([
        { content: { parts: [{ text: 'c' }] }, finishReason: 'STOP', index: 0 },
        { content: { parts: [{ text: 'd' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ]);
    const events = replaySse(transcript, createGoogleStreamTranslator(body));
    expect(streamedText(events, 0)).toBe('ac');
    expect(streamedText(events, 1)).toBe('bd');
    expect(finishReasons(events)).toEqual([
      [0, 'stop'],
      [1, 'length'],
    ]);
  });

  it('turns an error object in the stream into a classified error event', () => {
    const events = replaySse(
      `${fixture('text.chunks.txt').split('\r\n\r\n')[0]}\r\n\r\ndata: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}\r\n\r\n`,
      createGoogleStreamTranslator(body),
    );
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: { kind: 'server', status: 503, retryable: true, message: 'The model is overloaded. Please try again later.' },
    });
  });

  it('reports a stream that ends without a finishReason', () => {
    const first = `${fixture('text.chunks.txt').split('\r\n\r\n')[0]}\r\n\r\n`;
    expect(replaySse(first, createGoogleStreamTranslator(body)).at(-1)).toMatchObject({ type: 'error', error: { kind: 'bad_response' } });
  });
});
