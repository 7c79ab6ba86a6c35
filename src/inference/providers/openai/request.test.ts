import { describe, expect, it } from 'vitest';
import type { ChatRequest, UpstreamTarget } from '../types.js';
import { buildOpenAiRequest } from './request.js';

const target: UpstreamTarget = {
  baseUrl: 'https://api.example.com/v1/',
  apiKey: 'sk-test-key-123456',
  upstreamModel: 'gpt-4o-2024-08-06',
  maxOutputTokens: 4096,
};

const body: ChatRequest = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0.3,
  logprobs: true,
  top_logprobs: 2,
  some_vendor_field: { x: 1 },
};

describe('openai request', () => {
  it('posts to /chat/completions with a bearer key and the upstream model', () => {
    const req = buildOpenAiRequest(body, target, false);
    expect(req.url).toBe('https://api.example.com/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test-key-123456');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ ...body, model: 'gpt-4o-2024-08-06' });
  });

  it('passes unknown fields through untouched', () => {
    expect(JSON.parse(buildOpenAiRequest(body, target, false).body).some_vendor_field).toEqual({ x: 1 });
  });

  it('always asks for usage in streams, keeping the client stream_options', () => {
    const req = buildOpenAiRequest({ ...body, stream: true, stream_options: { include_usage: false } }, target, true);
    const sent = JSON.parse(req.body);
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(req.headers.accept).toBe('text/event-stream');
  });

  it('drops stream and stream_options from non-streaming calls', () => {
    const sent = JSON.parse(buildOpenAiRequest({ ...body, stream: false, stream_options: { include_usage: true } }, target, false).body);
    expect(sent).not.toHaveProperty('stream');
    expect(sent).not.toHaveProperty('stream_options');
  });
});
