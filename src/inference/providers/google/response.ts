/** Gemini GenerateContentResponse → OpenAI chat.completion, one choice per candidate. */
import { newId } from '../ids.js';
import { ProviderProtocolError } from '../protocol-error.js';
import type { ChatCompletion, ChatRequest, Usage } from '../types.js';
import { plausibleUsage, toWireUsage } from '../wire-usage.js';
import { mapFinishReason } from './finish-reason.js';
import { readParts } from './parts.js';
import { toUsage } from './usage.js';
import { type GeminiCandidate, geminiResponseSchema } from './wire.js';

type Choice = ChatCompletion['choices'][number];

function toChoice(candidate: GeminiCandidate, position: number): Choice {
  const { text, toolCalls } = readParts(candidate.content?.parts);
  return {
    index: candidate.index ?? position,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
      refusal: null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    finish_reason: mapFinishReason(candidate.finishReason, toolCalls.length > 0),
    logprobs: null,
  };
}

export function parseGoogleResponse(json: unknown, body: ChatRequest): { completion: ChatCompletion; usage: Usage | null } {
  const parsed = geminiResponseSchema.safeParse(json);
  if (!parsed.success) throw new ProviderProtocolError('the provider answered 2xx without a GenerateContentResponse');
  const response = parsed.data;
  const candidates = response.candidates ?? [];
  let choices: Choice[] = candidates.map(toChoice).sort((a, b) => a.index - b.index);
  if (choices.length === 0) {
    // The prompt itself was blocked: Gemini sends promptFeedback.blockReason and no candidates.
    if (response.promptFeedback?.blockReason === undefined) throw new ProviderProtocolError('the provider answered without candidates');
    choices = [{ index: 0, message: { role: 'assistant', content: null, refusal: null }, finish_reason: 'content_filter', logprobs: null }];
  }
  const delivered = choices.some((choice) => Boolean(choice.message.content) || (choice.message.tool_calls?.length ?? 0) > 0);
  const usage = plausibleUsage(response.usageMetadata === undefined ? null : toUsage(response.usageMetadata), delivered);
  const completion: ChatCompletion = {
    id: response.responseId ?? newId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? body.model,
    choices,
  };
  if (usage !== null) completion.usage = toWireUsage(usage);
  return { completion, usage };
}
