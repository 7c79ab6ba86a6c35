/**
 * Each adapter maps its provider's usage buckets (spec §2 "Prices") from the real wire shapes the mocks send,
 * streamed and not: cache reads, 5-minute and 1-hour cache writes, reasoning tokens, long prompts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/inference/providers/index.js';
import type { ChatRequest, ProviderKind, Usage } from '../../../src/inference/providers/types.js';
import { closeUpstreamPools, sendChat } from '../../../src/inference/upstream/index.js';
import { type MockProvider, startMockAnthropic, startMockGoogle, startMockOpenAI } from '../../mocks/index.js';
import { collect, expectJson, expectStream, targetFor } from './helpers.js';

const starters = { openai: startMockOpenAI, anthropic: startMockAnthropic, google: startMockGoogle } as const;
const mocks = new Map<ProviderKind, MockProvider>();

beforeAll(async () => {
  for (const [kind, start] of Object.entries(starters)) mocks.set(kind as ProviderKind, await start());
});
afterAll(async () => {
  for (const mock of mocks.values()) await mock.close();
  await closeUpstreamPools();
});

async function usageOf(kind: ProviderKind, model: string, stream: boolean): Promise<Usage | null> {
  const body: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Hello there' }], stream };
  const target = targetFor(mocks.get(kind)!.url, model);
  const result = await sendChat(adapterFor(kind), target, body, { stream });
  if (!stream) return expectJson(result).usage;
  const events = await collect(expectStream(result).events);
  const usage = events.find((e) => e.type === 'usage');
  return usage?.type === 'usage' ? usage.usage : null;
}

// "Echo: Hello there" is 5 answer tokens in the mocks; prompt-1000 reports 1000 prompt tokens.
const answer = 5;
describe.each([false, true])('usage buckets (stream: %s)', (stream) => {
  it('anthropic: input_tokens excludes cache reads and writes; writes split by lifetime', async () => {
    expect(await usageOf('anthropic', 'm-prompt-1000-cached-cache-write-cache-write-1h', stream)).toEqual({
      promptTokens: 1000,
      cachedTokens: 500,
      cacheWriteTokens: 250,
      cacheWrite1hTokens: 125,
      completionTokens: answer,
      reasoningTokens: 0,
    });
    expect(await usageOf('anthropic', 'm-prompt-1000-cache-write-1h', stream)).toMatchObject({
      promptTokens: 1000,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 125,
    });
    // Thinking is inside output_tokens and not reported apart: all of it is output.
    expect(await usageOf('anthropic', 'm-prompt-1000-reasoning', stream)).toMatchObject({
      completionTokens: 4 * answer,
      reasoningTokens: 0,
    });
  });

  it('openai: cached_tokens and reasoning_tokens are parts of prompt_tokens and completion_tokens; no writes', async () => {
    expect(await usageOf('openai', 'm-prompt-1000-cached-reasoning-cache-write', stream)).toEqual({
      promptTokens: 1000,
      cachedTokens: 500,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      completionTokens: 4 * answer,
      reasoningTokens: 3 * answer,
    });
  });

  it('google: thoughtsTokenCount is output beside candidatesTokenCount; cachedContentTokenCount is in the prompt', async () => {
    expect(await usageOf('google', 'm-prompt-300000-cached-reasoning', stream)).toEqual({
      promptTokens: 300_000,
      cachedTokens: 150_000,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      completionTokens: 4 * answer,
      reasoningTokens: 3 * answer,
    });
  });
});
