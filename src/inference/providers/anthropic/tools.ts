/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` → Anthropic `tools` / `tool_choice`
 * (docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use).
 */
import { isRecord } from '../json.js';
import type { ChatRequest } from '../types.js';
import type { AnthropicTool, AnthropicToolChoice } from './wire.js';

const EMPTY_OBJECT_SCHEMA: Record<string, unknown> = { type: 'object', properties: {} };

export function convertTools(tools: ChatRequest['tools']): AnthropicTool[] {
  return (tools ?? []).map((tool) => {
    const { name, description, parameters } = tool.function;
    const converted: AnthropicTool = { name, input_schema: isRecord(parameters) ? parameters : EMPTY_OBJECT_SCHEMA };
    if (typeof description === 'string') converted.description = description;
    return converted;
  });
}

type ForcingChoice = Exclude<AnthropicToolChoice, { type: 'none' }>;

function forcingChoice(choice: unknown): ForcingChoice | undefined {
  if (choice === 'required') return { type: 'any' };
  if (choice === 'auto') return { type: 'auto' };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return { type: 'tool', name: choice.function.name };
  }
  return undefined;
}

/** undefined = leave Anthropic's default (auto). `parallel_tool_calls: false` needs an explicit choice. */
export function convertToolChoice(choice: unknown, parallelToolCalls: unknown): AnthropicToolChoice | undefined {
  if (choice === 'none') return { type: 'none' };
  const converted = forcingChoice(choice);
  if (parallelToolCalls !== false) return converted;
  return { ...(converted ?? { type: 'auto' }), disable_parallel_tool_use: true };
}
