/**
 * Partial schemas of what Anthropic's Messages API sends back (docs.anthropic.com/en/api/messages,
 * /en/docs/build-with-claude/streaming, /en/api/errors): only the fields the adapter reads.
 * Request types are plain TypeScript: we build them, so the compiler checks them.
 */
import { z } from 'zod';

export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  /** The writes by lifetime (cache_control `ttl`); their sum is cache_creation_input_tokens. */
  cache_creation: z
    .object({ ephemeral_5m_input_tokens: z.number().nullish(), ephemeral_1h_input_tokens: z.number().nullish() })
    .nullish()
    .catch(undefined),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const contentBlockSchema = z.object({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});

export const anthropicMessageSchema = z.object({
  id: z.string(),
  model: z.string().optional(),
  content: z.array(contentBlockSchema),
  stop_reason: z.string().nullish(),
  // Unreadable usage is missing usage (the gateway estimates), not a broken answer.
  usage: anthropicUsageSchema.optional().catch(undefined),
});

/** Lenient: an error event is an error even when its fields are malformed. */
const anthropicErrorSchema = z
  .object({ type: z.string().catch('api_error'), message: z.string().optional().catch(undefined) })
  .catch({ type: 'api_error' });

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message_start'),
    message: z.object({ id: z.string(), model: z.string().optional(), usage: anthropicUsageSchema.optional().catch(undefined) }),
  }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: contentBlockSchema }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: anthropicUsageSchema.optional().catch(undefined),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: anthropicErrorSchema }),
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;

export type AnthropicTextBlock = { type: 'text'; text: string; cache_control?: unknown };
export type AnthropicSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
export type AnthropicImageBlock = { type: 'image'; source: AnthropicSource; cache_control?: unknown };
export type AnthropicDocumentBlock = { type: 'document'; source: AnthropicSource };
export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
export type AnthropicToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content: string | Array<AnthropicTextBlock | AnthropicImageBlock>;
};
export type AnthropicBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock;

export type AnthropicMessage = { role: 'user' | 'assistant'; content: AnthropicBlock[] };

export type AnthropicTool = { name: string; description?: string; input_schema: Record<string, unknown> };

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };
