/**
 * Validates `tools`, `tool_choice` and `text` (platform.openai.com/docs/api-reference/responses/create#responses-create-tools).
 * Only function tools can be given to every provider kind; OpenAI's hosted tools (web search, file search,
 * computer use, MCP…) are a 400 `unsupported_parameter` rather than silently dropped.
 */
import { errors } from '../../../http/errors.js';
import { isRecord } from '../../providers/json.js';
import { invalidType, isAbsent, optionalBoolean, optionalString, requireObject, requireOneOf, requireString } from '../checks.js';

/** OpenAI's rule for function and schema names. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** OpenAI refuses more than 128 tools. */
const MAX_TOOLS = 128;

function checkName(value: unknown, param: string): void {
  requireString(value, param);
  if (!NAME.test(value as string)) {
    throw errors.validation(param, `Invalid '${param}': use 1 to 64 letters, digits, underscores or dashes (^[a-zA-Z0-9_-]{1,64}$).`);
  }
}

export function checkTools(body: Readonly<Record<string, unknown>>): void {
  const tools = body.tools;
  if (!isAbsent(tools)) {
    if (!Array.isArray(tools)) throw invalidType('tools', 'an array', tools);
    if (tools.length > MAX_TOOLS) {
      throw errors.validation('tools', `Invalid 'tools': array too long. Expected at most ${MAX_TOOLS} entries, but got ${tools.length}.`);
    }
    for (let i = 0; i < tools.length; i++) checkTool(tools[i], `tools[${i}]`);
  }
  checkToolChoice(body.tool_choice);
}

function checkTool(value: unknown, path: string): void {
  const tool = requireObject(value, path);
  requireString(tool.type, `${path}.type`);
  if (tool.type !== 'function') {
    throw errors.unsupported(
      `${path}.type`,
      `Tools of type '${String(tool.type).slice(0, 64)}' are not supported by this gateway: only function tools are.`,
    );
  }
  checkName(tool.name, `${path}.name`);
  optionalString(tool.description, `${path}.description`);
  if (!isAbsent(tool.parameters) && !isRecord(tool.parameters)) throw invalidType(`${path}.parameters`, 'an object', tool.parameters);
  optionalBoolean(tool.strict, `${path}.strict`);
}

function checkToolChoice(choice: unknown): void {
  if (isAbsent(choice)) return;
  if (!isRecord(choice)) {
    requireOneOf(choice, 'tool_choice', ['none', 'auto', 'required']);
    return;
  }
  requireString(choice.type, 'tool_choice.type');
  if (choice.type !== 'function') {
    throw errors.unsupported(
      'tool_choice.type',
      `tool_choice of type '${String(choice.type).slice(0, 64)}' is not supported: name a function.`,
    );
  }
  requireString(choice.name, 'tool_choice.name');
}

export function checkText(value: unknown): void {
  if (isAbsent(value)) return;
  const text = requireObject(value, 'text');
  optionalString(text.verbosity, 'text.verbosity');
  if (isAbsent(text.format)) return;
  const format = requireObject(text.format, 'text.format');
  requireOneOf(format.type, 'text.format.type', ['text', 'json_object', 'json_schema']);
  if (format.type !== 'json_schema') return;
  checkName(format.name, 'text.format.name');
  optionalString(format.description, 'text.format.description');
  requireObject(format.schema, 'text.format.schema');
  optionalBoolean(format.strict, 'text.format.strict');
}
