/**
 * Property: for odd but well-formed JSON bodies, either `parseChatRequest` refuses with a 400 naming the
 * field, or every adapter builds an upstream body that is valid JSON (spec §5c: nothing an adapter cannot
 * translate gets past admission), the token estimate is a finite count, and the log row's metadata
 * serialises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import { estimatePromptTokens } from '../../core/tokens.js';
import { adapterFor } from '../../providers/index.js';
import type { ProviderKind, UpstreamTarget } from '../../providers/types.js';
import { parseChatRequest } from './request.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 1_000);
const KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'google'];
const target: UpstreamTarget = { baseUrl: 'http://upstream.test/v1', apiKey: 'k', upstreamModel: 'up', maxOutputTokens: 4096 };

/** `levels` arrays or objects around `leaf`: deep enough to break a recursive JSON.stringify. */
const deep = fc.tuple(fc.integer({ min: 1, max: 6_000 }), fc.boolean()).map(([levels, asArray]) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value };
  return value;
});

/** Strings with odd Unicode: any code unit (lone surrogates included), graphemes, combining marks. */
const text = fc.oneof(
  { weight: 5, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.constantFrom('\ud800', 'a\udfffb', '\ud83d\ude00', 'e\u0301', '') },
);
/** A prompt: sometimes huge (up to 300 KB: the point is size, not the tokenizer's speed). */
const prompt = fc.oneof(
  { weight: 18, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 300_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 30_000 }).map((n) => 'Lorem ipsum dolor sit amet, \ud800 é 😀 '.repeat(n / 10)) },
);

/** JSON text for strings the adapters parse (tool arguments, tool results), sometimes thousands of levels deep. */
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 6_000 }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`),
);

const anyJson = fc.oneof({ weight: 20, arbitrary: fc.jsonValue({ maxDepth: 4 }) }, { weight: 1, arbitrary: deep });
/** A value of the wrong shape for almost any field. */
const odd = fc.oneof(
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constant([null]),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  text,
  anyJson,
);
/** Mostly `arb`, now and then something odd in its place. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 300, arbitrary: arb }, { weight: 1, arbitrary: odd });
const optional = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] });

const name = fc.oneof({ weight: 30, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/) }, { weight: 1, arbitrary: text });
const url = fc.oneof(
  fc.constant('data:image/png;base64,iVBORw0KGgo='),
  fc.constant('data:application/pdf;base64,JVBER'),
  fc.webUrl(),
  text,
);

const textPart = fc.record({ type: fc.constant('text'), text: sometimes(prompt) });
const partsOf = (...arbs: fc.Arbitrary<unknown>[]) =>
  fc.array(
    fc.oneof(
      { weight: 100, arbitrary: fc.oneof(...arbs) },
      { weight: 1, arbitrary: fc.record({ type: fc.oneof(text, fc.integer()) }) },
      { weight: 1, arbitrary: odd },
    ),
    {
      maxLength: 4,
    },
  );
const userParts = partsOf(
  textPart,
  fc.record({ type: fc.constant('text'), text: text, cache_control: sometimes(fc.constant({ type: 'ephemeral' })) }),
  fc.record({
    type: fc.constant('image_url'),
    image_url: sometimes(optional({ url: sometimes(url), detail: fc.constantFrom('auto', 'low', 'high') })),
  }),
  fc.record({ type: fc.constant('input_audio'), input_audio: sometimes(fc.record({ data: text, format: fc.constantFrom('wav', 'mp3') })) }),
  fc.record({ type: fc.constant('file'), file: sometimes(optional({ file_data: url, file_id: text, filename: text })) }),
);
const assistantParts = partsOf(textPart, fc.record({ type: fc.constant('refusal'), refusal: sometimes(text) }));

const toolCall = fc.record({
  id: sometimes(text),
  type: sometimes(fc.constant('function')),
  function: sometimes(fc.record({ name: sometimes(name), arguments: sometimes(fc.oneof(text, jsonText)) })),
});

const role = <R extends string>(r: R) => fc.oneof({ weight: 300, arbitrary: fc.constant(r) }, { weight: 1, arbitrary: odd });
const message = fc.oneof(
  fc.record({ role: role('system'), content: sometimes(fc.oneof(prompt, partsOf(textPart))) }),
  fc.record({ role: role('developer'), content: sometimes(fc.oneof(prompt, partsOf(textPart))) }),
  fc.record(
    { role: role('user'), content: sometimes(fc.oneof(prompt, userParts)), name: sometimes(name) },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record(
    {
      role: role('assistant'),
      content: sometimes(fc.oneof(fc.constant(null), text, assistantParts)),
      tool_calls: sometimes(fc.array(toolCall, { maxLength: 3 })),
      refusal: sometimes(fc.oneof(fc.constant(null), text)),
    },
    { requiredKeys: ['role'] },
  ),
  fc.record({ role: role('tool'), tool_call_id: sometimes(text), content: sometimes(fc.oneof(text, jsonText, partsOf(textPart))) }),
  fc.record({ role: role('function'), name: sometimes(name), content: sometimes(fc.oneof(fc.constant(null), text)) }),
);

const tool = fc.record({
  type: sometimes(fc.constant('function')),
  function: sometimes(
    fc.record(
      {
        name: sometimes(name),
        description: sometimes(fc.oneof(fc.constant(null), text)),
        parameters: sometimes(
          fc.oneof(
            fc.constant(null),
            fc.object({ maxDepth: 3 }),
            fc.constant({ type: 'object', properties: { a: { type: ['string', 'null'] } } }),
          ),
        ),
        strict: sometimes(fc.boolean()),
      },
      { requiredKeys: ['name'] },
    ),
  ),
});

/** Integers in and around the documented ranges, extremes and fractions. */
const intish = fc.oneof(
  { weight: 100, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 128, 129, 10_000_000, 10_000_001, 2 ** 53, 1e308, 0.5, 100.25, -0) },
  { weight: 1, arbitrary: odd },
);

const body = fc
  .record(
    {
      model: sometimes(fc.constantFrom('m', 'gpt-x')),
      messages: sometimes(
        fc.array(fc.oneof({ weight: 100, arbitrary: message }, { weight: 1, arbitrary: odd }), { minLength: 1, maxLength: 5 }),
      ),
      stream: sometimes(fc.boolean()),
      stream_options: sometimes(fc.oneof(fc.constant(null), optional({ include_usage: sometimes(fc.boolean()), extra: anyJson }))),
      max_tokens: intish,
      max_completion_tokens: intish,
      n: intish,
      temperature: sometimes(fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: sometimes(fc.double({ min: 0, max: 1, noNaN: true })),
      seed: intish,
      stop: sometimes(
        fc.oneof(
          { weight: 10, arbitrary: fc.oneof(text, fc.array(text, { maxLength: 4 })) },
          { weight: 1, arbitrary: fc.array(text, { minLength: 5, maxLength: 6 }) },
        ),
      ),
      tools: sometimes(fc.array(tool, { maxLength: 3 })),
      tool_choice: sometimes(
        fc.oneof(
          fc.constantFrom('auto', 'none', 'required'),
          fc.record({ type: sometimes(fc.constant('function')), function: sometimes(fc.record({ name: sometimes(name) })) }),
        ),
      ),
      parallel_tool_calls: sometimes(fc.boolean()),
      response_format: sometimes(
        fc.oneof(
          fc.record({ type: fc.constantFrom('text', 'json_object') }),
          fc.record({
            type: fc.constant('json_schema'),
            json_schema: sometimes(fc.record({ name: sometimes(name), schema: sometimes(fc.object({ maxDepth: 3 })) })),
          }),
        ),
      ),
      logprobs: sometimes(fc.boolean()),
      top_logprobs: intish,
      user: sometimes(text),
      metadata: sometimes(
        fc.oneof(
          { weight: 10, arbitrary: fc.dictionary(fc.string({ maxLength: 64 }), fc.string({ maxLength: 512 }), { maxKeys: 16 }) },
          { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 600 }), { maxKeys: 18 }) },
          { weight: 1, arbitrary: deep },
        ),
      ),
      logit_bias: sometimes(fc.dictionary(fc.stringMatching(/^\d{1,6}$/), fc.integer({ min: -120, max: 120 }))),
      vendor_field: anyJson,
    },
    { requiredKeys: ['model', 'messages'] },
  )
  // Now and then one more field replaced by something odd.
  .chain((b) =>
    fc
      .oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(b)), odd) })
      .map((m) => (m === null ? b : { ...b, [m[0]]: m[1] })),
  );

describe('parseChatRequest and the adapters (fast-check)', () => {
  it('either a 400 naming the field, or every adapter builds valid JSON', () => {
    let accepted = 0;
    const refusedBy = new Map<string, number>();
    fc.assert(
      fc.property(body, (raw) => {
        let parsed: ReturnType<typeof parseChatRequest>;
        try {
          parsed = parseChatRequest(raw);
        } catch (err) {
          expect(err).toBeInstanceOf(ApiError);
          expect((err as ApiError).status).toBe(400);
          expect(typeof (err as ApiError).param).toBe('string');
          const param = ((err as ApiError).param ?? '').replace(/\[\d+\]/g, '[]');
          refusedBy.set(param, (refusedBy.get(param) ?? 0) + 1);
          return;
        }
        accepted++;
        expect(parsed).toBe(raw);
        for (const kind of KINDS) {
          for (const stream of [true, false]) {
            const request = adapterFor(kind).buildRequest(parsed, target, stream);
            expect(() => JSON.parse(request.body)).not.toThrow();
          }
        }
        expect(Number.isFinite(estimatePromptTokens(parsed))).toBe(true);
        expect(() => JSON.stringify(parsed.metadata ?? {})).not.toThrow();
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const reasons = [...refusedBy].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.info(`ingress/chat/request.property.test.ts: ${accepted} of ${RUNS} accepted; most refused on ${JSON.stringify(reasons)}`);
    // The generator must reach the adapters often, or the property proves little.
    expect(accepted).toBeGreaterThan(RUNS / 5);
  });
});

if (process.env.FC_SEED === undefined)
  console.info(`ingress/chat/request.property.test.ts fast-check seed: ${SEED} (set FC_SEED to replay)`);
