import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finishReasons, replaySse, streamedText, streamedToolCalls } from '../../../../test/mocks/replay-sse.js';
import { createAnthropicStreamTranslator } from './stream.js';

const fixture = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const body = { model: 'claude', messages: [] };

describe('anthropic stream', () => {
  it('translates a text stream: role first, deltas, one finish_reason, then usage', () => {
    const events = replaySse(fixture('text.chunks.txt'), createAnthropicStreamTranslator(body));
    expect(events.map((e) => e.type)).toEqual(['chunk', 'chunk', 'chunk', 'chunk', 'usage']);
    expect(events[0]).toMatchObject({
      type: 'chunk',
      chunk: {
        id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
        object: 'chat.completion.chunk',
        model: 'claude-sonnet-4-20250514',
        choices: [{ index: 0, delta: { role: 'assistant' } }],
      },
    });
    expect(streamedText(events)).toBe('Hello!');
    expect(finishReasons(events)).toEqual([[0, 'stop']]);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 25, completionTokens: 15, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 },
      wire: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('translates tool_use blocks into indexed tool-call deltas', () => {
    const events = replaySse(fixture('tool-use.chunks.txt'), createAnthropicStreamTranslator(body));
    expect(streamedText(events)).toBe('Okay, let me check the weather.');
    expect(streamedToolCalls(events)).toEqual([
      { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA"}' },
      { id: 'toolu_02ABCDEFxyz', name: 'get_time', arguments: '{"tz": "PST"}' },
    ]);
    const firstToolDelta = events.find((e) => e.type === 'chunk' && e.chunk.choices[0]?.delta.tool_calls !== undefined);
    expect(firstToolDelta).toMatchObject({
      chunk: {
        choices: [
          {
            delta: {
              tool_calls: [
                { index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } },
              ],
            },
          },
        ],
      },
    });
    expect(finishReasons(events)).toEqual([[0, 'tool_calls']]);
    expect(events.at(-1)).toMatchObject({
      type: 'usage',
      usage: {
        promptTokens: 2572,
        completionTokens: 89,
        cachedTokens: 2000,
        cacheWriteTokens: 100,
        cacheWrite1hTokens: 0,
        reasoningTokens: 0,
      },
    });
  });

  it('holds the role back so an error right after message_start is the first event', () => {
    const transcript =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":3,"output_tokens":1}}}\n\n' +
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    expect(replaySse(transcript, createAnthropicStreamTranslator(body))).toEqual([
      { type: 'error', error: { kind: 'server', status: 529, retryable: true, message: 'Overloaded' } },
    ]);
  });

  it('ends with an error event when a mid-stream error arrives', () => {
    const text = fixture('text.chunks.txt');
    const cut = text.slice(0, text.indexOf('event: content_block_stop'));
    const events = replaySse(
      `${cut}event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}\n\n`,
      createAnthropicStreamTranslator(body),
    );
    expect(streamedText(events)).toBe('Hello!');
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: { kind: 'server', status: 500, retryable: true, message: 'Internal server error' },
    });
  });

  it('reports a stream that ends before message_stop', () => {
    const text = fixture('text.chunks.txt');
    const events = replaySse(text.slice(0, text.indexOf('event: message_delta')), createAnthropicStreamTranslator(body));
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'bad_response' } });
    expect(events.some((e) => e.type === 'usage')).toBe(false);
  });

  it('skips event types it does not know', () => {
    const text = fixture('text.chunks.txt');
    const events = replaySse(`event: future_event\ndata: {"type":"future_event","x":1}\n\n${text}`, createAnthropicStreamTranslator(body));
    expect(streamedText(events)).toBe('Hello!');
  });
});
