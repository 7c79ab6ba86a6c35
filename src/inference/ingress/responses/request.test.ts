import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import { parseResponsesBody } from './request.js';
import { toChatRequest } from './translate.js';

function refusal(body: unknown): { status: number; code: string; param: string | null } {
  try {
    parseResponsesBody(body);
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, param: err.param };
    throw err;
  }
  throw new Error('the body was accepted');
}

const ok = { model: 'm', input: 'hi' };

describe('parseResponsesBody refuses with a 400 naming the field', () => {
  it.each([
    [undefined, 'invalid_json', null],
    [[], 'invalid_json', null],
    [{ input: 'x' }, 'validation_error', 'model'],
    [{ model: '', input: 'x' }, 'validation_error', 'model'],
    [{ model: 'm' }, 'validation_error', 'input'],
    [{ model: 'm', input: 3 }, 'validation_error', 'input'],
    [{ model: 'm', input: [] }, 'validation_error', 'input'],
    [{ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'validation_error', 'input[0].role'],
    [{ model: 'm', input: [{ role: 'user' }] }, 'validation_error', 'input[0].content'],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }] },
      'validation_error',
      'input[0].content[0].type',
    ],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'validation_error', 'input[0].content[0].text'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image' }] }] }, 'validation_error', 'input[0].content[0].image_url'],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] },
      'unsupported_parameter',
      'input[0].content[0].file_id',
    ],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x', detail: 'max' }] }] },
      'validation_error',
      'input[0].content[0].detail',
    ],
    [
      { model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'x' }] }] },
      'validation_error',
      'input[0].content[0].type',
    ],
    [{ model: 'm', input: [{ role: 'assistant', content: [{ type: 'refusal' }] }] }, 'validation_error', 'input[0].content[0].refusal'],
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'validation_error', 'input[0].call_id'],
    [{ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] }, 'validation_error', 'input[0].arguments'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c' }] }, 'validation_error', 'input[0].output'],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'x' }] }, 'unsupported_parameter', 'input[0].type'],
    [{ ...ok, instructions: 5 }, 'validation_error', 'instructions'],
    [{ ...ok, tools: {} }, 'validation_error', 'tools'],
    [{ ...ok, tools: [{ type: 'web_search' }] }, 'unsupported_parameter', 'tools[0].type'],
    [{ ...ok, tools: [{ type: 'function', name: 'bad name' }] }, 'validation_error', 'tools[0].name'],
    [{ ...ok, tools: [{ type: 'function', name: 'f', parameters: [] }] }, 'validation_error', 'tools[0].parameters'],
    [{ ...ok, tools: [{ type: 'function', name: 'f', strict: 'yes' }] }, 'validation_error', 'tools[0].strict'],
    [{ ...ok, tool_choice: 'sometimes' }, 'validation_error', 'tool_choice'],
    [{ ...ok, tool_choice: { type: 'file_search' } }, 'unsupported_parameter', 'tool_choice.type'],
    [{ ...ok, tool_choice: { type: 'function' } }, 'validation_error', 'tool_choice.name'],
    [{ ...ok, parallel_tool_calls: 'yes' }, 'validation_error', 'parallel_tool_calls'],
    [{ ...ok, max_output_tokens: 15 }, 'validation_error', 'max_output_tokens'],
    [{ ...ok, max_output_tokens: 100.5 }, 'validation_error', 'max_output_tokens'],
    [{ ...ok, temperature: 2.5 }, 'validation_error', 'temperature'],
    [{ ...ok, top_p: -1 }, 'validation_error', 'top_p'],
    [{ ...ok, text: { format: { type: 'xml' } } }, 'validation_error', 'text.format.type'],
    [{ ...ok, text: { format: { type: 'json_schema', name: 'n' } } }, 'validation_error', 'text.format.schema'],
    [{ ...ok, text: { format: { type: 'json_schema', schema: {} } } }, 'validation_error', 'text.format.name'],
    [{ ...ok, metadata: { k: 1 } }, 'validation_error', 'metadata.k'],
    [{ ...ok, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'validation_error', 'metadata'],
    [{ ...ok, stream: 'true' }, 'validation_error', 'stream'],
    [{ ...ok, store: 1 }, 'validation_error', 'store'],
    [{ ...ok, previous_response_id: 'chatcmpl-1' }, 'validation_error', 'previous_response_id'],
    [{ ...ok, user: 7 }, 'validation_error', 'user'],
    [{ ...ok, background: true }, 'unsupported_parameter', 'background'],
    [{ ...ok, conversation: 'conv_1' }, 'unsupported_parameter', 'conversation'],
    [{ ...ok, reasoning: { effort: 3 } }, 'validation_error', 'reasoning.effort'],
  ])('%j → %s on %s', (body, code, param) => {
    expect(refusal(body)).toEqual({ status: 400, code, param });
  });

  it('refuses values nested deeper than the JSON bound', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expect(refusal({ ...ok, tools: [deep] })).toMatchObject({ param: 'tools' });
    expect(refusal({ model: 'm', input: [deep] })).toMatchObject({ param: 'input[0]' });
  });
});

describe('toChatRequest', () => {
  it('a string input becomes one user message after the instructions', () => {
    const body = parseResponsesBody({ model: 'm', input: 'Hello', instructions: 'Be brief.' });
    expect(toChatRequest(body, body.input).chat).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('maps parts, function calls (one assistant turn) and their outputs, tools, tool_choice, text.format and limits', () => {
    const body = parseResponsesBody({
      model: 'm',
      input: [
        { role: 'developer', content: [{ type: 'input_text', text: 'Use tools.' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather in Paris and Rome?' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
          ],
        },
        {
          type: 'message',
          role: 'assistant',
          id: 'msg_1',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
        },
        { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_a', output: '18C' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: '21C' }] },
      ],
      tools: [{ type: 'function', name: 'weather', description: 'Weather now', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'weather' },
      parallel_tool_calls: false,
      max_output_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      user: 'u-1',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'low' },
    });
    const { chat, warnings } = toChatRequest(body, body.input);
    expect(warnings).toEqual([]);
    expect(chat).toEqual({
      model: 'm',
      messages: [
        { role: 'developer', content: 'Use tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris and Rome?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '18C' },
        { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '21C' }] },
      ],
      tools: [
        { type: 'function', function: { name: 'weather', description: 'Weather now', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      max_completion_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      user: 'u-1',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning_effort: 'low',
    });
  });

  it('an echoed assistant refusal is the assistant turn text', () => {
    const body = parseResponsesBody({ model: 'm', input: [{ role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] }] });
    expect(toChatRequest(body, body.input).chat.messages).toEqual([{ role: 'assistant', content: 'I cannot.' }]);
  });

  it('a function call after a tool result opens a new assistant turn', () => {
    const body = parseResponsesBody({
      model: 'm',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'a', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'a', output: 'x' },
        { type: 'function_call', call_id: 'b', name: 'f', arguments: '{}' },
      ],
    });
    const roles = toChatRequest(body, body.input).chat.messages.map((m) => [m.role, m.tool_calls?.length ?? 0]);
    expect(roles).toEqual([
      ['user', 0],
      ['assistant', 1],
      ['tool', 0],
      ['assistant', 1],
    ]);
  });

  it('lists what it cannot carry as warnings, and json_object / stream map as they are', () => {
    const body = parseResponsesBody({
      model: 'm',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'x' },
        { role: 'user', content: 'hi' },
      ],
      include: ['reasoning.encrypted_content'],
      reasoning: { summary: 'auto' },
      text: { format: { type: 'json_object' } },
      stream: true,
      store: false,
      metadata: { a: 'b' },
    });
    const { chat, warnings } = toChatRequest(body, body.input);
    expect(chat).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      response_format: { type: 'json_object' },
    });
    expect(warnings).toHaveLength(3);
    expect(warnings.join(' ')).toMatch(/reasoning items.*reasoning\.summary.*include/);
  });
});
