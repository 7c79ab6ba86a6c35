/** Mock providers speaking each provider's real wire format, for integration tests and the benchmark. */
export { startMockAnthropic } from './anthropic.js';
export { startMockGoogle } from './google.js';
export type { MockOptions, MockProvider, RecordedRequest } from './mock-server.js';
export { startMockOpenAI } from './openai.js';
