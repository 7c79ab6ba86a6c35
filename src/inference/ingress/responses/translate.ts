/**
 * A Responses request in the internal shape (a Chat Completions request): `instructions` become the system
 * message, message items their role's message, `function_call` items the assistant's `tool_calls` (calls in a
 * row share one assistant turn, as Chat Completions requires), `function_call_output` items tool messages;
 * tools, tool_choice, `text.format` and `max_output_tokens` their chat equivalents. What has no equivalent is
 * listed as a warning, never silently dropped.
 */
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool } from '../../providers/types.js';
import type { ContentPart, InputItem, ResponsesBody, TextFormat } from './wire.js';

/** Top-level fields the translation reads (or deliberately leaves to the gateway: store, metadata, previous_response_id). */
const TRANSLATED = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'metadata',
  'stream',
  'store',
  'previous_response_id',
  'user',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
  'reasoning',
  'background',
  'conversation',
  'prompt',
]);
/** Chat fields of the same name and meaning. */
const SAME_NAME = ['temperature', 'top_p', 'parallel_tool_calls', 'user', 'service_tier', 'prompt_cache_key', 'safety_identifier'] as const;

/** `conversation`: the items the model reads, earlier turns included (instructions are separate, as in OpenAI's API). */
export function toChatRequest(body: ResponsesBody, conversation: InputItem[]): { chat: ChatRequest; warnings: string[] } {
  const warnings: string[] = [];
  const messages: ChatMessage[] = [];
  if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
  let droppedReasoning = false;
  for (const item of conversation) {
    if (item.type === 'reasoning') droppedReasoning = true;
    else appendItem(messages, item);
  }
  if (droppedReasoning) warnings.push('reasoning items in input were left out: only the provider that wrote them can read them.');
  const chat: ChatRequest = { model: body.model, messages };
  if (body.stream === true) chat.stream = true;
  if (typeof body.max_output_tokens === 'number') chat.max_completion_tokens = body.max_output_tokens;
  for (const field of SAME_NAME) if (body[field] !== undefined && body[field] !== null) chat[field] = body[field];
  if (body.tools && body.tools.length > 0) chat.tools = body.tools.map(toChatTool);
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    chat.tool_choice =
      typeof body.tool_choice === 'string' ? body.tool_choice : { type: 'function', function: { name: body.tool_choice.name } };
  }
  const format = body.text?.format;
  if (format) chat.response_format = toResponseFormat(format);
  if (typeof body.text?.verbosity === 'string') chat.verbosity = body.text.verbosity;
  const reasoning = body.reasoning as { effort?: string | null; summary?: string | null } | null | undefined;
  if (typeof reasoning?.effort === 'string') chat.reasoning_effort = reasoning.effort;
  if (typeof reasoning?.summary === 'string')
    warnings.push('reasoning.summary was ignored: reasoning summaries need a native Responses provider.');
  for (const field of Object.keys(body)) {
    if (!TRANSLATED.has(field) && body[field] !== undefined && body[field] !== null) {
      warnings.push(`${field.slice(0, 64)} was ignored: it has no Chat Completions equivalent.`);
    }
  }
  return { chat, warnings };
}

function appendItem(messages: ChatMessage[], item: Exclude<InputItem, { type: 'reasoning' }>): void {
  switch (item.type) {
    case 'message':
      messages.push(toChatMessage(item.role, item.content));
      return;
    case 'function_call': {
      const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({
        role: 'tool',
        tool_call_id: item.call_id,
        content: typeof item.output === 'string' ? item.output : item.output.map(toChatPart),
      });
      return;
  }
}

function toChatMessage(role: 'user' | 'assistant' | 'system' | 'developer', content: string | ContentPart[]): ChatMessage {
  if (typeof content === 'string') return { role, content };
  // Assistant, system and developer turns are text; only user turns keep parts (images).
  if (role !== 'user') return { role, content: content.map(partText).join('') };
  return { role, content: content.map(toChatPart) };
}

function partText(part: ContentPart): string {
  if (part.type === 'refusal') return part.refusal;
  return part.type === 'input_image' ? '' : part.text;
}

function toChatPart(part: ContentPart): ChatContentPart {
  if (part.type === 'refusal') return { type: 'text', text: part.refusal };
  if (part.type === 'input_image') {
    return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail !== undefined && { detail: part.detail }) } };
  }
  return { type: 'text', text: part.text };
}

function toChatTool(tool: NonNullable<ResponsesBody['tools']>[number]): ChatTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(typeof tool.description === 'string' && { description: tool.description }),
      ...(tool.parameters && { parameters: tool.parameters }),
      ...(typeof tool.strict === 'boolean' && { strict: tool.strict }),
    },
  };
}

function toResponseFormat(format: TextFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, description, strict } = format;
  return {
    type: 'json_schema',
    json_schema: { name, schema, ...(description !== undefined && { description }), ...(typeof strict === 'boolean' && { strict }) },
  };
}
