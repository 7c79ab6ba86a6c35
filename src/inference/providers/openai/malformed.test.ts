/** Regressions of issue 10 finding 5: OpenAI-kind output that breaks the format is a clean bad_response. */
import { describe, expect, it } from 'vitest';
import { replaySse } from '../../../../test/mocks/replay-sse.js';
import { ProviderProtocolError } from '../protocol-error.js';
import { parseOpenAiResponse } from './response.js';
import { createOpenAiStreamTranslator } from './stream.js';

const body = { model: 'gpt-4o', messages: [] };
const head = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' };
const frame = (chunk: unknown): string => `data: ${JSON.stringify(chunk)}\n\n`;
const good = frame({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] });

describe('openai malformed stream chunks', () => {
  it.each([
    ['without choices', { ...head }],
    ['with choices: [null]', { ...head, choices: [null] }],
    ['with a choice without delta', { ...head, choices: [{ index: 0, finish_reason: null }] }],
    ['with delta: null', { ...head, choices: [{ index: 0, delta: null, finish_reason: null }] }],
    ['with choices as an object', { ...head, choices: { 0: { delta: {} } } }],
    ['with numeric content', { ...head, choices: [{ index: 0, delta: { content: 5 }, finish_reason: null }] }],
    ['with tool_calls as an object', { ...head, choices: [{ index: 0, delta: { tool_calls: {} }, finish_reason: null }] }],
    ['with a null tool call', { ...head, choices: [{ index: 0, delta: { tool_calls: [null] }, finish_reason: null }] }],
  ])('ends the stream with one bad_response error on a chunk %s, after what was valid', (_name, chunk) => {
    const events = replaySse(`${good}${frame(chunk)}${good}data: [DONE]\n\n`, createOpenAiStreamTranslator());
    expect(events.map((e) => e.type)).toEqual(['chunk', 'error']);
    expect(events[1]).toMatchObject({ type: 'error', error: { kind: 'bad_response', status: 200, retryable: true } });
  });

  it('joins array content of text parts into a string and does not forward the raw chunk', () => {
    const chunk = {
      ...head,
      choices: [{ index: 0, delta: { content: [{ type: 'text', text: 'a' }, { type: 'thinking' }] }, finish_reason: 'stop' }],
    };
    const [event] = replaySse(frame(chunk), createOpenAiStreamTranslator());
    expect(event).toMatchObject({ type: 'chunk', chunk: { choices: [{ delta: { content: 'a' } }] } });
    expect(event?.type === 'chunk' && event.raw).toBeUndefined();
  });

  it('reads an `event: error` frame without an `error` wrapper as the provider error it is', () => {
    const events = replaySse(`${good}event: error\ndata: {"message":"model overloaded"}\n\n`, createOpenAiStreamTranslator());
    expect(events.at(-1)).toEqual({ type: 'error', error: { kind: 'server', status: 500, retryable: true, message: 'model overloaded' } });
  });

  it('reports an empty stream and a [DONE]-only stream as errors', () => {
    expect(replaySse('', createOpenAiStreamTranslator())).toMatchObject([{ type: 'error', error: { kind: 'bad_response' } }]);
    expect(replaySse('data: [DONE]\n\n', createOpenAiStreamTranslator())).toMatchObject([
      { type: 'error', error: { kind: 'bad_response' } },
    ]);
  });

  it('drops usage that reports no output tokens after text was delivered', () => {
    const usage = frame({ ...head, choices: [], usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 } });
    const finish = frame({ ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const events = replaySse(`${good}${finish}${usage}data: [DONE]\n\n`, createOpenAiStreamTranslator());
    expect(events.map((e) => e.type)).toEqual(['chunk', 'chunk']);
  });
});

describe('openai malformed completions', () => {
  const completion = (choice: unknown, extra: Record<string, unknown> = {}) => ({
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [choice],
    ...extra,
  });

  it.each([
    ['a choice without message', { index: 0, finish_reason: 'stop' }],
    ['a null choice', null],
    ['numeric content', { index: 0, message: { role: 'assistant', content: 7 } }],
    [
      'a tool call without arguments',
      { index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'a', function: { name: 'f' } }] } },
    ],
  ])('throws ProviderProtocolError for %s', (_name, choice) => {
    expect(() => parseOpenAiResponse(completion(choice), body)).toThrow(ProviderProtocolError);
  });

  it('turns array content without usage into text, usage null (the gateway estimates)', () => {
    const json = completion({
      index: 0,
      message: {
        role: 'assistant',
        content: [
          { type: 'text', text: 'He' },
          { type: 'text', text: 'llo' },
        ],
      },
    });
    const { completion: out, usage } = parseOpenAiResponse(json, body);
    expect(out.choices[0]?.message.content).toBe('Hello');
    expect(usage).toBeNull();
  });

  it('treats implausible usage as missing and removes it from the body', () => {
    const message = { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' };
    for (const usage of [
      { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 },
      { prompt_tokens: -1, completion_tokens: 3, total_tokens: 2 },
      { prompt_tokens: 5.5, completion_tokens: 3, total_tokens: 8.5 },
      { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8, prompt_tokens_details: { cached_tokens: 6 } },
    ]) {
      const { completion: out, usage: read } = parseOpenAiResponse(completion(message, { usage }), body);
      expect(read).toBeNull();
      expect(out.usage).toBeUndefined();
    }
  });
});
