import { describe, expect, it } from 'vitest';
import type { ChatCompletion, FinishReason } from '../../providers/types.js';
import type { AnswerContext } from '../types.js';
import { renderResponse } from './render.js';
import { parseResponsesBody } from './request.js';

const ctx: AnswerContext = {
  requestId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  model: 'client-model',
  createdAtS: 1_765_000_000,
  promptEstimate: 10,
};
const usage = { promptTokens: 50, completionTokens: 20, cachedTokens: 30, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 8 };

function completion(content: string | null, finish: FinishReason, calls: Array<[string, string, string]> = []): ChatCompletion {
  const tool_calls = calls.map(([id, name, args]) => ({ id, type: 'function' as const, function: { name, arguments: args } }));
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'upstream-model',
    choices: [{ index: 0, message: { role: 'assistant', content, ...(calls.length > 0 && { tool_calls }) }, finish_reason: finish }],
  };
}

describe('renderResponse', () => {
  it('a text answer: our ids, the client model, output_text, usage with cached and reasoning details, echoed settings', () => {
    const body = parseResponsesBody({
      model: 'client-model',
      input: 'hi',
      instructions: 'Be brief.',
      metadata: { k: 'v' },
      temperature: 0.2,
    });
    expect(renderResponse(completion('Hello!', 'stop'), usage, ctx, body)).toEqual({
      id: 'resp_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b',
      object: 'response',
      created_at: 1_765_000_000,
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: 'Be brief.',
      max_output_tokens: null,
      model: 'client-model',
      output: [
        {
          type: 'message',
          id: 'msg_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b0000',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello!', annotations: [] }],
        },
      ],
      output_text: 'Hello!',
      parallel_tool_calls: true,
      previous_response_id: null,
      store: true,
      temperature: 0.2,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      usage: {
        input_tokens: 50,
        input_tokens_details: { cached_tokens: 30 },
        output_tokens: 20,
        output_tokens_details: { reasoning_tokens: 8 },
        total_tokens: 70,
      },
      user: null,
      metadata: { k: 'v' },
    });
  });

  it('text and tool calls become a message then function_call items; length makes it incomplete', () => {
    const body = parseResponsesBody({ model: 'client-model', input: 'hi', max_output_tokens: 64 });
    const calls: Array<[string, string, string]> = [
      ['call_a', 'lookup', '{"q":1}'],
      ['call_b', 'lookup', '{"q":2'],
    ];
    const rendered = renderResponse(completion('Checking', 'length', calls), usage, ctx, body);
    expect(rendered).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      max_output_tokens: 64,
      output_text: 'Checking',
    });
    expect(rendered.output.map((item) => [item.type, item.id, item.status])).toEqual([
      ['message', 'msg_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b0000', 'incomplete'],
      ['function_call', 'fc_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b0001', 'incomplete'],
      ['function_call', 'fc_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b0002', 'incomplete'],
    ]);
    expect(rendered.output[2]).toMatchObject({ call_id: 'call_b', name: 'lookup', arguments: '{"q":2' });
    const toolsOnly = renderResponse(completion(null, 'tool_calls', calls.slice(0, 1)), usage, ctx, body);
    expect(toolsOnly).toMatchObject({ status: 'completed', output_text: '', output: [{ type: 'function_call', status: 'completed' }] });
  });
});
