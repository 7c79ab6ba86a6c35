/**
 * Validates the function-calling and output-format fields: `tools`, `tool_choice`, the legacy
 * `functions` / `function_call`, and `response_format`
 * (platform.openai.com/docs/api-reference/chat/create#chat-create-tools).
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

function checkFunctionDefinition(value: unknown, path: string): void {
  const fn = requireObject(value, path);
  checkName(fn.name, `${path}.name`);
  optionalString(fn.description, `${path}.description`);
  if (!isAbsent(fn.parameters) && !isRecord(fn.parameters)) throw invalidType(`${path}.parameters`, 'an object', fn.parameters);
  optionalBoolean(fn.strict, `${path}.strict`);
}

function checkToolList(list: unknown, param: string, check: (item: unknown, path: string) => void): void {
  if (isAbsent(list)) return;
  if (!Array.isArray(list)) throw invalidType(param, 'an array', list);
  if (list.length > MAX_TOOLS) {
    throw errors.validation(param, `Invalid '${param}': array too long. Expected at most ${MAX_TOOLS} entries, but got ${list.length}.`);
  }
  for (let i = 0; i < list.length; i++) check(list[i], `${param}[${i}]`);
}

export function checkTools(body: Readonly<Record<string, unknown>>): void {
  checkToolList(body.tools, 'tools', (item, path) => {
    const tool = requireObject(item, path);
    requireOneOf(tool.type, `${path}.type`, ['function']);
    checkFunctionDefinition(tool.function, `${path}.function`);
  });
  const choice = body.tool_choice;
  if (isRecord(choice)) {
    requireOneOf(choice.type, 'tool_choice.type', ['function']);
    requireString(requireObject(choice.function, 'tool_choice.function').name, 'tool_choice.function.name');
  } else if (!isAbsent(choice)) requireOneOf(choice, 'tool_choice', ['none', 'auto', 'required']);
  checkToolList(body.functions, 'functions', checkFunctionDefinition);
  const call = body.function_call;
  if (isRecord(call)) requireString(call.name, 'function_call.name');
  else if (!isAbsent(call)) requireOneOf(call, 'function_call', ['none', 'auto']);
}

export function checkResponseFormat(value: unknown): void {
  if (isAbsent(value)) return;
  const format = requireObject(value, 'response_format');
  requireOneOf(format.type, 'response_format.type', ['text', 'json_object', 'json_schema']);
  if (format.type !== 'json_schema') return;
  const schema = requireObject(format.json_schema, 'response_format.json_schema');
  checkName(schema.name, 'response_format.json_schema.name');
  optionalString(schema.description, 'response_format.json_schema.description');
  if (!isAbsent(schema.schema) && !isRecord(schema.schema)) {
    throw invalidType('response_format.json_schema.schema', 'an object', schema.schema);
  }
  optionalBoolean(schema.strict, 'response_format.json_schema.strict');
}
