/**
 * The Chat Completions ingress (spec §5): the internal request is this format, so parsing validates
 * and rendering is the identity; streams are `chat.completion.chunk` frames, the usage chunk when the
 * client asked for it, then `[DONE]`.
 */
import { errorBody } from '../../../http/errors.js';
import type { ChatCompletionChunk } from '../../providers/types.js';
import type { IngressFormat, IngressStream } from '../types.js';
import { clientWantsUsage, parseChatRequest } from './request.js';

export const chatIngress: IngressFormat = {
  requestType: 'chat.completion',
  parse(body) {
    const chat = parseChatRequest(body);
    return { chat, metadata: chat.metadata, warnings: [] };
  },
  renderJson: (completion) => completion,
  createStream(_ctx, request): IngressStream {
    const wantsUsage = clientWantsUsage(request.chat);
    let last: Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> | null = null;
    return {
      chunk(chunk, raw) {
        last = chunk;
        return [{ data: raw ?? JSON.stringify(chunk) }];
      },
      finish(usage, wire) {
        if (!wantsUsage || !last) return [{ data: '[DONE]' }];
        const usageChunk = {
          id: last.id,
          object: 'chat.completion.chunk',
          created: last.created,
          model: last.model,
          choices: [],
          // The provider's own usage object when it speaks OpenAI (details included), else ours.
          usage: wire ?? {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: usage.promptTokens + usage.completionTokens,
            ...(usage.cachedTokens > 0 && { prompt_tokens_details: { cached_tokens: usage.cachedTokens } }),
          },
        };
        return [{ data: JSON.stringify(usageChunk) }, { data: '[DONE]' }];
      },
      fail: (err, requestId) => [{ data: JSON.stringify(errorBody(err, requestId)) }],
    };
  },
  errorBody,
};
