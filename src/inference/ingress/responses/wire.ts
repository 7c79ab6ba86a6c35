/**
 * The parts of OpenAI's Responses API the gateway reads and writes (platform.openai.com/docs/api-reference/responses,
 * spec §5a): request input items, the response object and its output items.
 */

export type InputTextPart = { type: 'input_text'; text: string };
export type InputImagePart = { type: 'input_image'; image_url: string; detail?: 'auto' | 'low' | 'high' };
export type OutputTextPart = { type: 'output_text'; text: string; annotations?: unknown[] };
export type RefusalPart = { type: 'refusal'; refusal: string };
export type ContentPart = InputTextPart | InputImagePart | OutputTextPart | RefusalPart;

export type MessageItem = {
  type: 'message';
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | ContentPart[];
  id?: string;
  status?: string;
};
export type FunctionCallItem = { type: 'function_call'; call_id: string; name: string; arguments: string; id?: string; status?: string };
export type FunctionCallOutputItem = {
  type: 'function_call_output';
  call_id: string;
  output: string | Array<InputTextPart | InputImagePart>;
  id?: string;
  status?: string;
};
/** A reasoning item a client echoes back: meaningful only to the provider that wrote it (dropped when translated). */
export type ReasoningItem = { type: 'reasoning'; [field: string]: unknown };
export type InputItem = MessageItem | FunctionCallItem | FunctionCallOutputItem | ReasoningItem;

export type FunctionTool = {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
};

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

/** A validated `POST /v1/responses` body; `input` is always a list of items (a string became one user message). */
export type ResponsesBody = {
  model: string;
  input: InputItem[];
  instructions?: string | null;
  tools?: FunctionTool[] | null;
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; name: string } | null;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  text?: { format?: TextFormat | null; verbosity?: string | null } | null;
  metadata?: Record<string, string> | null;
  stream?: boolean | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  user?: string | null;
  [field: string]: unknown;
};

export type OutputMessage = {
  type: 'message';
  id: string;
  status: 'completed' | 'incomplete' | 'in_progress';
  role: 'assistant';
  content: Array<{ type: 'output_text'; text: string; annotations: unknown[] }>;
};
export type OutputFunctionCall = {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'completed' | 'incomplete' | 'in_progress';
};
export type OutputItem = OutputMessage | OutputFunctionCall;

export type ResponseUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

/** OpenAI's `response` object. */
export type ResponseObject = {
  id: string;
  object: 'response';
  created_at: number;
  status: 'completed' | 'incomplete' | 'failed' | 'in_progress';
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  output_text?: string;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  store: boolean;
  temperature: number | null;
  text: { format: TextFormat };
  tool_choice: unknown;
  tools: FunctionTool[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
};
