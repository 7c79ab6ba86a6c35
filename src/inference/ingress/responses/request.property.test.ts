/**
 * Property (spec §5c): for odd but well-formed JSON bodies, either `parseResponsesBody` refuses with a 400 naming
 * the field, or the translation and every adapter build an upstream body that is valid JSON (translated for each
 * kind, native for OpenAI's Responses API), and the token estimate is a finite count: nothing the gateway cannot
 * translate gets past admission.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../http/errors.js';
import { estimatePromptTokens } from '../../core/tokens.js';
import { adapterFor } from '../../providers/index.js';
import type { ProviderKind, UpstreamTarget } from '../../providers/types.js';
import { parseResponsesBody } from './request.js';
import { toChatRequest } from './translate.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 1_000);
const KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'google'];
const target: UpstreamTarget = { baseUrl: 'http://upstream.test/v1', apiKey: 'k', upstreamModel: 'up', maxOutputTokens: 4096 };

const text = fc.oneof(
  { weight: 5, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.constantFrom('\ud800', 'a\udfffb', '\ud83d\ude00', '') },
);
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`),
);
const odd = fc.oneof(
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constant([null]),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  text,
  fc.jsonValue({ maxDepth: 4 }),
);
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 200, arbitrary: arb }, { weight: 1, arbitrary: odd });
const name = fc.oneof({ weight: 30, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/) }, { weight: 1, arbitrary: text });
const url = fc.oneof(fc.constant('data:image/png;base64,iVBORw0KGgo='), fc.webUrl(), text);

const inputText = fc.record({ type: fc.constant('input_text'), text: sometimes(text) });
const inputImage = fc.record(
  { type: fc.constant('input_image'), image_url: sometimes(url), detail: fc.constantFrom('auto', 'low', 'high'), file_id: text },
  { requiredKeys: ['type'] },
);
const outputText = fc.record({ type: fc.constant('output_text'), text: sometimes(text), annotations: fc.constant([]) });
const parts = (...arbs: fc.Arbitrary<unknown>[]) =>
  fc.array(fc.oneof({ weight: 50, arbitrary: fc.oneof(...arbs) }, { weight: 1, arbitrary: odd }), { maxLength: 4 });

const item = fc.oneof(
  fc.record(
    {
      type: fc.constant('message'),
      role: sometimes(fc.constantFrom('user', 'system', 'developer')),
      content: sometimes(fc.oneof(text, parts(inputText, inputImage))),
    },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record({ role: fc.constant('assistant'), content: sometimes(fc.oneof(text, parts(outputText))), id: sometimes(text), status: text }),
  fc.record({
    type: fc.constant('function_call'),
    call_id: sometimes(text),
    name: sometimes(name),
    arguments: sometimes(fc.oneof(text, jsonText)),
  }),
  fc.record({
    type: fc.constant('function_call_output'),
    call_id: sometimes(text),
    output: sometimes(fc.oneof(text, jsonText, parts(inputText, inputImage))),
  }),
  fc.record({ type: fc.constant('reasoning'), id: text, summary: fc.constant([]), encrypted_content: text }),
  fc.record({ type: text }),
);

const intish = fc.oneof(
  { weight: 50, arbitrary: fc.integer({ min: 16, max: 5000 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 15, 10_000_000, 10_000_001, 2 ** 53, 0.5) },
  { weight: 1, arbitrary: odd },
);

const body = fc
  .record(
    {
      model: sometimes(fc.constantFrom('m', 'gpt-x')),
      input: sometimes(
        fc.oneof(text, fc.array(fc.oneof({ weight: 50, arbitrary: item }, { weight: 1, arbitrary: odd }), { minLength: 1, maxLength: 6 })),
      ),
      instructions: sometimes(text),
      tools: sometimes(
        fc.array(
          fc.record(
            {
              type: sometimes(fc.constantFrom('function', 'function', 'web_search')),
              name: sometimes(name),
              description: sometimes(text),
              parameters: sometimes(fc.oneof(fc.constant(null), fc.object({ maxDepth: 3 }))),
              strict: sometimes(fc.boolean()),
            },
            { requiredKeys: ['type', 'name'] },
          ),
          { maxLength: 3 },
        ),
      ),
      tool_choice: sometimes(
        fc.oneof(
          fc.constantFrom('auto', 'none', 'required'),
          fc.record({ type: sometimes(fc.constant('function')), name: sometimes(name) }),
        ),
      ),
      parallel_tool_calls: sometimes(fc.boolean()),
      max_output_tokens: intish,
      temperature: sometimes(fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: sometimes(fc.double({ min: 0, max: 1, noNaN: true })),
      text: sometimes(
        fc.record({
          format: sometimes(
            fc.oneof(
              fc.record({ type: fc.constantFrom('text', 'json_object') }),
              fc.record({
                type: fc.constant('json_schema'),
                name: sometimes(name),
                schema: sometimes(fc.object({ maxDepth: 3 })),
                strict: sometimes(fc.boolean()),
              }),
            ),
          ),
        }),
      ),
      metadata: sometimes(fc.dictionary(fc.string({ maxLength: 64 }), fc.string({ maxLength: 512 }), { maxKeys: 16 })),
      stream: sometimes(fc.boolean()),
      store: sometimes(fc.boolean()),
      user: sometimes(text),
      reasoning: sometimes(
        fc.record({ effort: sometimes(fc.constantFrom('low', 'high')), summary: sometimes(fc.constant('auto')) }, { requiredKeys: [] }),
      ),
      include: sometimes(fc.array(text, { maxLength: 2 })),
      vendor_field: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ['model', 'input'] },
  )
  .chain((b) =>
    fc
      .oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(b)), odd) })
      .map((m) => (m === null ? b : { ...b, [m[0]]: m[1] })),
  );

describe('parseResponsesBody, the translation and the adapters (fast-check)', () => {
  it('refuses with a 400 naming the field, or every adapter builds a valid upstream body', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (raw) => {
        let parsed: ReturnType<typeof parseResponsesBody>;
        try {
          parsed = parseResponsesBody(raw);
        } catch (err) {
          expect(err).toBeInstanceOf(ApiError);
          expect((err as ApiError).status).toBe(400);
          expect(typeof (err as ApiError).param === 'string' || (err as ApiError).code === 'invalid_json').toBe(true);
          return;
        }
        accepted++;
        const { chat, warnings } = toChatRequest(parsed, parsed.input);
        expect(warnings.every((w) => typeof w === 'string')).toBe(true);
        for (const stream of [true, false]) {
          for (const kind of KINDS) expect(() => JSON.parse(adapterFor(kind).buildRequest(chat, target, stream).body)).not.toThrow();
          const native = adapterFor('openai').native?.responses?.buildRequest(
            { kind: 'openai', api: 'responses', body: parsed },
            target,
            stream,
          );
          expect(() => JSON.parse(native?.body ?? '')).not.toThrow();
        }
        expect(Number.isFinite(estimatePromptTokens(chat))).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generator must reach the adapters often, or the property proves little.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });
});

if (process.env.FC_SEED === undefined)
  console.info(`ingress/responses/request.property.test.ts fast-check seed: ${SEED} (set FC_SEED to replay)`);
