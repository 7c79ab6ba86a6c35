/**
 * OpenAI-kind request: the client's body passes through untouched except `model` (the route's upstream
 * id) and, for streams, `stream_options.include_usage` (spec §5: the gateway always asks for usage).
 */

import type { ChatRequest, UpstreamHttpRequest, UpstreamTarget } from '../types.js';
import { joinUrl } from '../url.js';

export function buildOpenAiRequest(body: ChatRequest, target: UpstreamTarget, stream: boolean): UpstreamHttpRequest {
  const payload: Record<string, unknown> = { ...body, model: target.upstreamModel };
  if (stream) {
    payload.stream = true;
    payload.stream_options = { ...body.stream_options, include_usage: true };
  } else {
    // OpenAI answers 400 to stream_options without stream.
    delete payload.stream;
    delete payload.stream_options;
  }
  return {
    url: joinUrl(target.baseUrl, '/chat/completions'),
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      authorization: `Bearer ${target.apiKey}`,
    },
    body: JSON.stringify(payload),
  };
}
