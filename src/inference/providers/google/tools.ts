/**
 * OpenAI `tools` / `tool_choice` → Gemini `tools[{ functionDeclarations }]` / `toolConfig`
 * (ai.google.dev/gemini-api/docs/function-calling#function_calling_modes).
 */
import { isRecord } from '../json.js';
import type { ChatRequest } from '../types.js';
import { hasProperties, toGeminiSchema } from './schema.js';
import type { GeminiFunctionDeclaration, GeminiToolConfig } from './wire.js';

export function convertTools(tools: NonNullable<ChatRequest['tools']>, dropped: Set<string>): GeminiFunctionDeclaration[] {
  return tools.map((tool) => {
    const { name, description } = tool.function;
    const declaration: GeminiFunctionDeclaration = { name };
    if (typeof description === 'string') declaration.description = description;
    const parameters = isRecord(tool.function.parameters) ? toGeminiSchema(tool.function.parameters, dropped) : undefined;
    if (hasProperties(parameters)) declaration.parameters = parameters;
    return declaration;
  });
}

export function convertToolConfig(choice: unknown): GeminiToolConfig | undefined {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  return undefined;
}
