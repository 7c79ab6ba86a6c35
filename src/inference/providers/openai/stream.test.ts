import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finishReasons, replaySse, streamedText, streamedToolCalls } from '../../../../test/mocks/replay-sse.js';
import { createOpenAiStreamTranslator } from './stream.js';

const fixture = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('openai stream', () => {
  it('passes chunks through with logprobs and turns the usage-only chunk into a usage event', () => {
    const events = replaySse(fixture('text.chunks.txt'), createOpenAiStreamTranslator());
    expect(events.map((e) => e.type)).toEqual(['chunk', 'chunk', 'chunk', 'chunk', 'usage']);
    expect(streamedText(events)).toBe('Hello there');
    const second = events[1];
    expect(second?.type === 'chunk' && second.chunk.choices[0]?.logprobs).toMatchObject({ content: [{ token: 'Hello' }] });
    expect(events.every((e) => e.type !== 'chunk' || !('usage' in e.chunk))).toBe(true);
    expect(events[4]).toMatchObject({
      type: 'usage',
      usage: { promptTokens: 19, completionTokens: 2, cachedTokens: 8, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
      wire: { completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  it('keeps tool-call deltas as they are', () => {
    const events = replaySse(fixture('tool-calls.chunks.txt'), createOpenAiStreamTranslator());
    expect(streamedToolCalls(events)).toEqual([
      { id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', arguments: '{"location":"Paris"}' },
    ]);
    expect(finishReasons(events)).toEqual([[0, 'tool_calls']]);
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: { promptTokens: 81, completionTokens: 15, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
    });
  });

  it('sends usage carried on a chunk with choices once, at the end', () => {
    const chunk = (finish: string | null, completion: number): string =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: finish }], usage: { prompt_tokens: 5, completion_tokens: completion, total_tokens: 5 + completion } })}\n\n`;
    const events = replaySse(`${chunk(null, 1) + chunk('stop', 2)}data: [DONE]\n\n`, createOpenAiStreamTranslator());
    expect(events.filter((e) => e.type === 'usage')).toEqual([
      {
        type: 'usage',
        usage: { promptTokens: 5, completionTokens: 2, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
        wire: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      },
    ]);
  });

  it('turns an error payload into a final error event', () => {
    const events = replaySse(
      'data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}\n\ndata: [DONE]\n\n',
      createOpenAiStreamTranslator(),
    );
    expect(events).toEqual([
      { type: 'error', error: { kind: 'server', status: 500, retryable: true, message: 'The server had an error' } },
    ]);
  });

  it('reports malformed JSON and a stream that ends before any finish_reason', () => {
    expect(replaySse('data: {not json\n\n', createOpenAiStreamTranslator())).toMatchObject([
      { type: 'error', error: { kind: 'bad_response' } },
    ]);
    const cut = replaySse(
      'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n',
      createOpenAiStreamTranslator(),
    );
    expect(cut.map((e) => e.type)).toEqual(['chunk', 'error']);
  });
});
