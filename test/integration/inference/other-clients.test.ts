/** Other popular clients, unchanged: the Vercel AI SDK (openai-compatible provider) and LangChain's ChatOpenAI. */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InferenceFixture, startInferenceFixture } from '../../helpers/inference.js';

describe('Vercel AI SDK and LangChain through the gateway', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInferenceFixture();
  });
  afterAll(() => f?.close());

  const provider = () => createOpenAICompatible({ name: 'assistiv', baseURL: `${f.gw.url}/v1`, apiKey: f.endUserKey, includeUsage: true });

  it.each(['gpt-4o', 'claude-sonnet-4', 'gemini-2.5-flash'])('generateText with %s', async (model) => {
    const result = await generateText({ model: provider()(model), prompt: 'Say hello to Vercel' });
    expect(result.text).toContain('Say hello to Vercel');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it.each(['gpt-4o', 'claude-sonnet-4', 'gemini-2.5-flash'])('streamText with %s', async (model) => {
    const result = streamText({ model: provider()(model), prompt: 'Stream hello to Vercel' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toContain('Stream hello to Vercel');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('LangChain ChatOpenAI invokes and streams', async () => {
    const llm = new ChatOpenAI({
      model: 'claude-sonnet-4',
      apiKey: f.endUserKey,
      configuration: { baseURL: `${f.gw.url}/v1` },
      maxRetries: 0,
    });
    const message = await llm.invoke('Hello LangChain');
    expect(String(message.content)).toContain('Hello LangChain');
    let streamed = '';
    for await (const chunk of await llm.stream('Streaming LangChain')) streamed += String(chunk.content);
    expect(streamed).toContain('Streaming LangChain');
  });
});
