/**
 * What /openapi.json says the inference routes answer. The bodies are OpenAI's and Anthropic's shapes, so the
 * schemas name the fields clients rely on and allow every other field (providers add fields over time, and the
 * gateway passes them on). They document only: the routes serialize with plain JSON.stringify (`passThrough`),
 * so no schema work runs on the hot path and no field a schema does not name is ever dropped.
 */
import { z } from 'zod';

/** The routes' serializer: the answer as built, whatever the schema says (see the header). */
export const passThrough = () => (data: unknown) => JSON.stringify(data);

const count = z.number().int().nonnegative();

const ChatUsage = z.looseObject({ prompt_tokens: count, completion_tokens: count, total_tokens: count });

export const ChatCompletion = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: count,
        message: z.looseObject({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          tool_calls: z.array(z.looseObject({ id: z.string(), type: z.literal('function') })).optional(),
        }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: ChatUsage,
  })
  .meta({
    id: 'ChatCompletion',
    description:
      'An OpenAI chat completion. With `stream: true` the answer is `text/event-stream`: `chat.completion.chunk` events, an error event `{"error": …}` if the provider fails mid-stream, and `data: [DONE]` after a success.',
  });

export const ResponseObject = z
  .looseObject({
    id: z.string(),
    object: z.literal('response'),
    created_at: z.number().int(),
    status: z.string(),
    model: z.string(),
    output: z.array(z.looseObject({ type: z.string() })),
    usage: z.looseObject({ input_tokens: count, output_tokens: count, total_tokens: count }).nullable(),
  })
  .meta({
    id: 'Response',
    description:
      'An OpenAI Responses API response. With `stream: true` the answer is `text/event-stream` of typed events (`response.created` … `response.completed` or `response.failed`), each with its `sequence_number`.',
  });

export const DeletedResponse = z
  .object({ id: z.string(), object: z.literal('response'), deleted: z.literal(true) })
  .meta({ id: 'DeletedResponse' });

export const AnthropicMessage = z
  .looseObject({
    id: z.string(),
    type: z.literal('message'),
    role: z.literal('assistant'),
    model: z.string(),
    content: z.array(z.looseObject({ type: z.string() })),
    stop_reason: z.string().nullable(),
    usage: z.looseObject({ input_tokens: count, output_tokens: count }),
  })
  .meta({
    id: 'AnthropicMessage',
    description:
      "An Anthropic message. With `stream: true` the answer is `text/event-stream` in Anthropic's framing (`message_start` … `message_stop`, or an `error` event).",
  });

export const AnthropicError = z
  .object({
    type: z.literal('error'),
    error: z.looseObject({ type: z.string(), message: z.string(), code: z.string(), param: z.string().optional() }),
    request_id: z.string(),
  })
  .meta({ id: 'AnthropicError', description: "Anthropic's error shape, with the gateway's §1 code (spec §5b)." });

export const InputTokens = z.object({ input_tokens: count }).meta({ id: 'InputTokens' });

export const Model = z
  .object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() })
  .meta({ id: 'Model' });

export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) }).meta({ id: 'ModelList' });

/** Anthropic-shaped routes: every error in Anthropic's shape. */
export const anthropicResponses = <R extends Record<number, z.ZodType>>(ok: R) => ({ ...ok, '4xx': AnthropicError, '5xx': AnthropicError });
