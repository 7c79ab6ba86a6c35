/** Shared bits of the provider integration tests: targets for the mocks, event collection, a dead port. */

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { StreamEvent, UpstreamTarget } from '../../../src/inference/providers/types.js';
import type { UpstreamResult } from '../../../src/inference/upstream/index.js';
import type { MockProvider } from '../../mocks/index.js';

export function targetFor(baseUrl: string, upstreamModel: string, apiKey = 'test-key'): UpstreamTarget {
  return { baseUrl, apiKey, upstreamModel, maxOutputTokens: 1024 };
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Narrows a result to the streaming success case, failing the test otherwise. */
export function expectStream(result: UpstreamResult): Extract<UpstreamResult, { kind: 'stream' }> {
  if (!result.ok || result.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  return result;
}

export function expectJson(result: UpstreamResult): Extract<UpstreamResult, { kind: 'json' }> {
  if (!result.ok || result.kind !== 'json') throw new Error(`expected a completion, got ${JSON.stringify(result)}`);
  return result;
}

/** The body of the last request the mock received. */
export function lastBody(mock: MockProvider): unknown {
  const recorded = mock.requests.at(-1);
  if (recorded === undefined) throw new Error('the mock received no request');
  return recorded.body;
}

/** A port nothing listens on: bound once to learn a free number, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `check` holds (polling every 10 ms, up to `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
