import { describe, expect, it } from 'vitest';
import type { ChatRequest, UpstreamTarget } from '../types.js';
import { buildGoogleRequest } from './request.js';

const target: UpstreamTarget = {
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  apiKey: 'AIzaSyTestTestTestTestTestTest12345',
  upstreamModel: 'gemini-2.5-flash',
  maxOutputTokens: 8192,
};

function sent(body: Partial<ChatRequest>, stream = false): Record<string, unknown> {
  return JSON.parse(buildGoogleRequest({ model: 'gemini', messages: [], ...body }, target, stream).body);
}

describe('google request', () => {
  it('calls generateContent or streamGenerateContent?alt=sse with the key in x-goog-api-key', () => {
    const plain = buildGoogleRequest({ model: 'g', messages: [{ role: 'user', content: 'hi' }] }, target, false);
    expect(plain.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(plain.headers['x-goog-api-key']).toBe('AIzaSyTestTestTestTestTestTest12345');
    expect(plain.url).not.toContain('key=');
    const stream = buildGoogleRequest({ model: 'g', messages: [] }, { ...target, upstreamModel: 'models/gemini-2.5-pro' }, true);
    expect(stream.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(JSON.parse(plain.body)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('moves system messages to systemInstruction and maps roles and images', () => {
    const body = sent({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
        { role: 'assistant', content: 'A cat.' },
        { role: 'user', content: 'Sure?' },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Look' },
          { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
          { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/a.png' } },
        ],
      },
      { role: 'model', parts: [{ text: 'A cat.' }] },
      { role: 'user', parts: [{ text: 'Sure?' }] },
    ]);
  });

  it('maps tool calls to functionCall and tool results to functionResponse named after the call', () => {
    const body = sent({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temp":18}' },
        { role: 'tool', tool_call_id: 'call_b', content: '14:00' },
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
          { functionResponse: { name: 'get_time', response: { content: '14:00' } } },
        ],
      },
    ]);
  });

  it('maps tools (schemas cleaned for Gemini) and tool_choice', () => {
    const tools: ChatRequest['tools'] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: {
            type: 'object',
            properties: { city: { type: ['string', 'null'] } },
            required: ['city'],
            additionalProperties: false,
          },
        },
      },
      { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
    ];
    const req = buildGoogleRequest(
      { model: 'g', messages: [], tools, tool_choice: { type: 'function', function: { name: 'now' } } },
      target,
      false,
    );
    const body = JSON.parse(req.body);
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string', nullable: true } }, required: ['city'] },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['now'] } });
    expect(req.warnings).toContain('JSON Schema keywords not supported by this provider were dropped: additionalProperties');
    expect(sent({ tools, tool_choice: 'auto' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(sent({ tools, tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(sent({ tools, tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('builds generationConfig from sampling, stop, n, seed, penalties and response_format', () => {
    expect(
      sent({ temperature: 0.5, top_p: 0.8, max_tokens: 300, stop: ['END'], n: 2, seed: 7, presence_penalty: 0.1, frequency_penalty: 0.2 })
        .generationConfig,
    ).toEqual({
      temperature: 0.5,
      topP: 0.8,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    expect(sent({ response_format: { type: 'json_object' } }).generationConfig).toEqual({ responseMimeType: 'application/json' });
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    expect(sent({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: schema,
    });
    expect(sent({ max_completion_tokens: 20, max_tokens: 99 }).generationConfig).toEqual({ maxOutputTokens: 20 });
  });
});
