/**
 * Property (spec §5c): for odd but well-formed Messages bodies, either validation refuses with a 400 naming
 * the field, or the translation is a body the chat edge itself accepts, every provider adapter builds valid
 * JSON from it, the native adapter forwards it, and the token estimate is a finite count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import { estimatePromptTokens } from '../../core/tokens.js';
import { adapterFor } from '../../providers/index.js';
import type { ProviderKind, UpstreamTarget } from '../../providers/types.js';
import { parseChatRequest } from '../chat/request.js';
import { messagesIngress } from './index.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 500);
const KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'google'];
const target: UpstreamTarget = { baseUrl: 'http://upstream.test/v1', apiKey: 'k', upstreamModel: 'up', maxOutputTokens: 4096 };
const caller = { platformId: 'p', endUserId: null };

const text = fc.oneof({ weight: 5, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.string({ unit: 'binary' }) });
const odd = fc.oneof(fc.constant(null), fc.constant([]), fc.constant({}), fc.integer(), fc.boolean(), text, fc.jsonValue({ maxDepth: 2 }));
/** Mostly `arb`, now and then something odd in its place. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 100, arbitrary: arb }, { weight: 1, arbitrary: odd });
const cacheControl = fc.constantFrom({ type: 'ephemeral' }, { type: 'ephemeral', ttl: '1h' });
const withCache = <T extends Record<string, unknown>>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.option(cacheControl, { nil: undefined })).map(([b, c]) => (c === undefined ? b : { ...b, cache_control: c }));

const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const textBlock = withCache(fc.record({ type: fc.constant('text'), text: sometimes(text) }));
const image = withCache(
  fc.record({
    type: fc.constant('image'),
    source: sometimes(
      fc.oneof(
        fc.record({ type: fc.constant('base64'), media_type: fc.constantFrom('image/png', 'image/jpeg'), data: fc.base64String() }),
        fc.record({ type: fc.constant('url'), url: fc.webUrl() }),
      ),
    ),
  }),
);
const document = fc.record({
  type: fc.constant('document'),
  source: fc.record({ type: fc.constant('base64'), media_type: fc.constant('application/pdf'), data: fc.base64String() }),
});
const toolResult = fc.record(
  {
    type: fc.constant('tool_result'),
    tool_use_id: sometimes(name),
    content: sometimes(fc.oneof(text, fc.array(fc.oneof(textBlock, image), { maxLength: 3 }))),
    is_error: fc.boolean(),
  },
  { requiredKeys: ['type', 'tool_use_id'] },
);
const toolUse = fc.record({
  type: fc.constant('tool_use'),
  id: sometimes(name),
  name: sometimes(name),
  input: sometimes(fc.object({ maxDepth: 2 })),
});
const thinking = fc.oneof(
  fc.record({ type: fc.constant('thinking'), thinking: text, signature: text }),
  fc.record({ type: fc.constant('redacted_thinking'), data: text }),
);
const blocks = (...arbs: fc.Arbitrary<unknown>[]) =>
  fc.array(fc.oneof({ weight: 30, arbitrary: fc.oneof(...arbs) }, { weight: 1, arbitrary: odd }), { minLength: 1, maxLength: 4 });
const message = fc.oneof(
  fc.record({ role: fc.constant('user'), content: sometimes(fc.oneof(text, blocks(textBlock, image, document, toolResult))) }),
  fc.record({ role: fc.constant('assistant'), content: sometimes(fc.oneof(text, blocks(textBlock, toolUse, thinking))) }),
);
const tool = withCache(
  fc.record(
    { name: sometimes(name), description: text, input_schema: sometimes(fc.object({ maxDepth: 3 })) },
    { requiredKeys: ['name', 'input_schema'] },
  ),
);
const num = (min: number, max: number) => sometimes(fc.double({ min, max, noNaN: true }));

const body = fc.record(
  {
    model: sometimes(fc.constant('claude')),
    max_tokens: sometimes(fc.integer({ min: 1, max: 100_000 })),
    messages: sometimes(fc.array(message, { minLength: 1, maxLength: 6 })),
    system: sometimes(fc.oneof(text, fc.array(textBlock, { maxLength: 3 }))),
    tools: sometimes(fc.array(tool, { maxLength: 3 })),
    tool_choice: sometimes(
      fc.oneof(
        fc.record({ type: fc.constantFrom('auto', 'any', 'none') }),
        fc.record({ type: fc.constant('tool'), name, disable_parallel_tool_use: fc.boolean() }),
      ),
    ),
    stop_sequences: sometimes(fc.array(fc.string({ minLength: 1 }), { maxLength: 4 })),
    temperature: num(0, 1),
    top_p: num(0, 1),
    top_k: sometimes(fc.integer({ min: 0, max: 500 })),
    metadata: sometimes(fc.record({ user_id: fc.string({ maxLength: 256 }) })),
    stream: sometimes(fc.boolean()),
    thinking: sometimes(
      fc.oneof(
        fc.record({ type: fc.constant('disabled') }),
        fc.record({ type: fc.constant('enabled'), budget_tokens: fc.integer({ min: 1024, max: 200_000 }) }),
      ),
    ),
    vendor_field: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['model', 'messages'] },
);

describe('Messages validation and translation (fast-check)', () => {
  it('either a 400 naming the field, or a chat body the chat edge accepts and every adapter builds', async () => {
    let accepted = 0;
    try {
      await fc.assert(
        fc.asyncProperty(body, async (raw) => {
          let request: Awaited<ReturnType<typeof messagesIngress.parse>>;
          try {
            request = await messagesIngress.parse(raw, caller);
          } catch (err) {
            expect(err).toBeInstanceOf(ApiError);
            expect((err as ApiError).status).toBe(400);
            expect(typeof (err as ApiError).param).toBe('string');
            return;
          }
          accepted++;
          expect(() => parseChatRequest(request.chat)).not.toThrow();
          for (const kind of KINDS) {
            for (const stream of [true, false]) {
              expect(() => JSON.parse(adapterFor(kind).buildRequest(request.chat, target, stream).body)).not.toThrow();
            }
          }
          const native = adapterFor('anthropic').native?.messages;
          if (request.native)
            expect(JSON.parse(native?.buildRequest(request.native, target, true).body ?? '')).toMatchObject({ model: 'up', stream: true });
          expect(Number.isFinite(estimatePromptTokens(request.chat))).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } catch (err) {
      console.error(`messages translation property failed with FC_SEED=${SEED}`);
      throw err;
    }
    // The generator must reach the translation often, or the property proves little.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });
});
