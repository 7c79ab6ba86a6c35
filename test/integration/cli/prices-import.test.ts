/**
 * `assistiv prices import` as an operator runs it (the real binary, on each database): a dry run prints the
 * diff and changes nothing; --apply applies lowered prices and added models in one transaction and holds
 * back increases unless --allow-increases; invalid entries are named and never half-applied; a file that is
 * not a price list exits 1 and changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Selectable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRoutesTable } from '../../../src/store/schema.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { runAssistiv } from '../../helpers/spawn.js';
import { dialects } from '../../helpers/suites.js';

const files = mkdtempSync(join(tmpdir(), 'assistiv-prices-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

function priceFile(name: string, content: unknown): string {
  const path = join(files, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** A LiteLLM-format list: gpt-4o cheaper, claude-sonnet-4 dearer, gemini-2.5-pro as seeded, one new Gemini model. */
const litellm = {
  sample_spec: { litellm_provider: 'one of https://docs.litellm.ai/docs/providers', input_cost_per_token: 0 },
  'gpt-4o': {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 2e-6,
    output_cost_per_token: 8e-6,
    cache_read_input_token_cost: 1e-6,
  },
  'claude-sonnet-4-20250514': { litellm_provider: 'anthropic', mode: 'chat', input_cost_per_token: 3.5e-6, output_cost_per_token: 1.5e-5 },
  'gemini/gemini-2.5-pro': {
    litellm_provider: 'gemini',
    mode: 'chat',
    input_cost_per_token: 1.25e-6,
    output_cost_per_token: 1e-5,
    cache_read_input_token_cost: 1.25e-7,
    input_cost_per_token_above_200k_tokens: 2.5e-6,
    output_cost_per_token_above_200k_tokens: 1.5e-5,
    cache_read_input_token_cost_above_200k_tokens: 2.5e-7,
  },
  'gemini/gemini-9-flash': {
    litellm_provider: 'gemini',
    mode: 'chat',
    max_output_tokens: 65536,
    max_input_tokens: 1048576,
    input_cost_per_token: 2.5e-8,
    output_cost_per_token: 4e-7,
    input_cost_per_token_above_200k_tokens: 5e-8,
    output_cost_per_token_above_200k_tokens: 8e-7,
  },
  'text-embedding-3-small': { litellm_provider: 'openai', mode: 'embedding', input_cost_per_token: 2e-8, output_cost_per_token: 0 },
  'bedrock/anthropic.claude-x': { litellm_provider: 'bedrock', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 },
};

describe.each(dialects)('assistiv prices import (%s)', (dialect) => {
  let gw: TestGateway;
  let seeded: Array<Selectable<ModelRoutesTable>>;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    seeded = await routes();
  });
  afterAll(() => gw?.close());
  // Each test starts from the seeded catalogue.
  beforeEach(async () => {
    await gw.ctx.store.db.deleteFrom('model_routes').execute();
    await gw.ctx.store.db.insertInto('model_routes').values(seeded).execute();
  });

  const routes = () => gw.ctx.store.db.selectFrom('model_routes').selectAll().orderBy('id').execute();
  const route = (slug: string) => gw.ctx.store.db.selectFrom('model_routes').selectAll().where('slug', '=', slug).executeTakeFirst();
  const prices = (args: string[]) =>
    runAssistiv(['prices', 'import', ...args], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...gw.env,
      ASSISTIV_DATA_DIR: gw.ctx.config.dataDir,
    });

  it('a dry run prints each changed price old → new, the added models and the unchanged count, and changes nothing', async () => {
    const before = await routes();
    const run = await prices([priceFile('dry.json', litellm)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const gpt = before.find((r) => r.slug === 'gpt-4o')!;
    const sonnet = before.find((r) => r.slug === 'claude-sonnet-4')!;
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/dry\.json: LiteLLM price list, 6 entries, compared with the model routes in this database/);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Changed prices (2 routes):',
        `  anthropic/claude-sonnet-4 (route ${sonnet.id}, from claude-sonnet-4-20250514): input 3 → 3.5   [INCREASE]`,
        `  openai/gpt-4o (route ${gpt.id}, from gpt-4o): input 2.5 → 2, output 10 → 8, cached input 1.25 → 1`,
        'Added models (1):',
        '  google/gemini-9-flash: input 0.025, output 0.4, tiers above 200000 tokens: input 0.05, output 0.8; max output 65536 tokens (from the file)',
        `Unchanged: 1 route. Not in the file: ${before.length - 3} routes (left as they are).`,
        'Skipped 1 entry of providers this database does not have (bedrock 1): add the provider first to import its models.',
        'Dry run: nothing was changed. --apply would reprice 1 route (no increase) and add 1 model, in one transaction.',
        '1 route would be billed more (marked INCREASE): applied only with --apply --allow-increases.',
      ]),
    );
    expect(await routes()).toEqual(before);
  });

  it('--apply applies lowered prices and added models, holds back the increase (exit 2); --allow-increases applies it', async () => {
    const file = priceFile('apply.json', litellm);
    const sonnetBefore = await route('claude-sonnet-4');
    const run = await prices([file, '--apply']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Applied in one transaction: 1 route repriced, 1 model added.');
    expect(run.stdout).toContain('Not applied: 1 price increase (marked INCREASE above). Run again with --apply --allow-increases');
    expect(run.code).toBe(2);
    expect(await route('gpt-4o')).toMatchObject({
      input_micros_per_mtok: 2_000_000,
      output_micros_per_mtok: 8_000_000,
      cached_input_micros_per_mtok: 1_000_000,
      cache_write_micros_per_mtok: null,
      max_output_tokens: 16384,
    });
    expect(await route('claude-sonnet-4')).toEqual(sonnetBefore);
    const added = await route('gemini-9-flash');
    expect(added).toMatchObject({
      provider_model_id: 'gemini-9-flash',
      input_micros_per_mtok: 25_000,
      output_micros_per_mtok: 400_000,
      cached_input_micros_per_mtok: null,
      max_output_tokens: 65536,
      context_window: 1048576,
      is_enabled: 1,
    });
    expect(JSON.parse(added!.tiers!)).toEqual([
      {
        above_input_tokens: 200_000,
        input_micros_per_mtok: 50_000,
        output_micros_per_mtok: 800_000,
        cached_input_micros_per_mtok: null,
        cache_write_micros_per_mtok: null,
        cache_write_1h_micros_per_mtok: null,
      },
    ]);
    const google = await gw.ctx.store.db.selectFrom('providers').select('id').where('slug', '=', 'google').executeTakeFirstOrThrow();
    expect(added!.provider_id).toBe(google.id);

    const again = await prices([file, '--apply', '--allow-increases']);
    expect(again.stdout).toContain('Applied in one transaction: 1 route repriced, 0 models added.');
    expect(again.stdout).toContain('Including 1 price increase (--allow-increases).');
    expect(again.code).toBe(0);
    expect(await route('claude-sonnet-4')).toMatchObject({ input_micros_per_mtok: 3_500_000, cache_write_micros_per_mtok: 3_750_000 });
    expect(await gw.ctx.store.db.selectFrom('model_routes').select('id').where('slug', '=', 'gemini-9-flash').execute()).toHaveLength(1);
  });

  it('a route change that lowers one price and raises another is an increase, applied whole or not at all', async () => {
    const file = priceFile('mixed.json', {
      'gpt-4o': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 1.1e-5 },
    });
    const before = await route('gpt-4o');
    const run = await prices([file, '--apply']);
    expect(run.stdout).toContain(`openai/gpt-4o (route ${before!.id}, from gpt-4o): input 2.5 → 1, output 10 → 11   [INCREASE]`);
    expect(run.code).toBe(2);
    expect(await route('gpt-4o')).toEqual(before);
  });

  it('a cheaper base price with a dearer long-context tier is an increase', async () => {
    const file = priceFile('tier.json', {
      'gemini/gemini-2.5-pro': {
        litellm_provider: 'gemini',
        input_cost_per_token: 1e-6,
        output_cost_per_token: 1e-5,
        input_cost_per_token_above_128k_tokens: 2.5e-6,
        output_cost_per_token_above_128k_tokens: 1.5e-5,
      },
    });
    const run = await prices([file]);
    expect(run.stdout).toMatch(
      /google\/gemini-2\.5-pro .*input 1\.25 → 1, tiers above 200000 tokens: .* → above 128000 tokens: .*\[INCREASE\]/,
    );
  });

  it('invalid entries are named with the file field and never half-applied; the valid ones apply (exit 2)', async () => {
    const file = priceFile('invalid.json', {
      'gpt-4o': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: -1e-6 },
      'gpt-4o-mini': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1.0000001e-7, output_cost_per_token: 6e-7 },
      'claude-sonnet-4-20250514': {
        litellm_provider: 'anthropic',
        mode: 'chat',
        input_cost_per_token: 3e-6,
        output_cost_per_token: 1.5e-5,
        cache_read_input_token_cost_above_200k_tokens: 6e-7,
      },
      'gpt-4.1': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: '2e-6', output_cost_per_token: 8e-6 },
      'grok-4': { litellm_provider: 'xai', mode: 'chat', input_cost_per_token: 2e-6, output_cost_per_token: 1e-5 },
      'no-provider': { mode: 'chat', input_cost_per_token: 1e-6 },
      'not-an-object': 5,
    });
    const before = await routes();
    const run = await prices([file, '--apply']);
    const lines = run.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Invalid entries (6, never applied):',
        '  gpt-4o: output_cost_per_token: Too small: expected number to be >=0',
        '  gpt-4o-mini: input_cost_per_token: must have at most 6 decimal places',
        '  claude-sonnet-4-20250514: input_cost_per_token_above_200k_tokens: missing: a tier needs input and output prices',
        '  gpt-4.1: input_cost_per_token: Invalid input: expected number, received string',
        '  no-provider: has no litellm_provider',
        '  not-an-object: is not an object',
        'Applied in one transaction: 1 route repriced, 0 models added.',
        'Not applied: 6 invalid entries (listed above).',
      ]),
    );
    expect(run.code).toBe(2);
    const after = await routes();
    const changed = after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).map((r) => r.slug);
    expect(changed).toEqual(['grok-4']);
    expect(await route('grok-4')).toMatchObject({ input_micros_per_mtok: 2_000_000, output_micros_per_mtok: 10_000_000 });
  });

  it('reads genai-prices data: match rules find dated upstream ids, the price in force today is used, tiers per bucket', async () => {
    const file = priceFile('genai.json', [
      {
        id: 'anthropic',
        model_match: { contains: 'claude' },
        models: [
          {
            id: 'claude-sonnet-4-0',
            match: { or: [{ starts_with: 'claude-sonnet-4-2025' }, { equals: 'claude-sonnet-4' }] },
            prices: [
              { prices: { input_mtok: 2.5, output_mtok: 12.5, cache_read_mtok: 0.25 } },
              { constraint: { type: 'start_date', start_date: '2999-01-01' }, prices: { input_mtok: 9, output_mtok: 99 } },
            ],
          },
        ],
      },
      {
        id: 'google',
        model_match: { contains: 'gemini' },
        models: [
          {
            id: 'gemini-9-pro',
            match: { starts_with: 'gemini-9-pro' },
            context_window: 2000000,
            prices: {
              input_mtok: { base: 2, tiers: [{ start: 200000, price: 4 }] },
              cache_read_mtok: 0.2,
              output_mtok: { base: 12, tiers: [{ start: 200000, price: 18 }] },
            },
          },
          { id: 'claude-opus-9', prices: { input_mtok: 1, output_mtok: 2 } },
          { id: 'gemini-9-tts', prices: { input_mtok: 1, output_mtok: 2 } },
        ],
      },
      { id: 'mistral', models: [{ id: 'mistral-large', prices: { input_mtok: 2, output_mtok: 6 } }] },
    ]);
    const run = await prices([file, '--apply']);
    expect(run.stdout).toContain('genai.json: genai-prices price list, 5 entries');
    expect(run.stdout).toContain('Applied in one transaction: 1 route repriced, 1 model added.');
    expect(run.code).toBe(0);
    expect(await route('claude-sonnet-4')).toMatchObject({
      input_micros_per_mtok: 2_500_000,
      output_micros_per_mtok: 12_500_000,
      cached_input_micros_per_mtok: 250_000,
      cache_write_micros_per_mtok: 3_750_000,
    });
    const added = await route('gemini-9-pro');
    expect(added).toMatchObject({ input_micros_per_mtok: 2_000_000, output_micros_per_mtok: 12_000_000, context_window: 2000000 });
    expect(added!.max_output_tokens).toBe(8192);
    expect(JSON.parse(added!.tiers!)).toEqual([
      {
        above_input_tokens: 200_000,
        input_micros_per_mtok: 4_000_000,
        output_micros_per_mtok: 18_000_000,
        cached_input_micros_per_mtok: 200_000,
        cache_write_micros_per_mtok: null,
        cache_write_1h_micros_per_mtok: null,
      },
    ]);
    // A Claude model listed under Google (Vertex) and a speech model are not added as Gemini routes.
    expect(await route('claude-opus-9')).toBeUndefined();
    expect(await route('gemini-9-tts')).toBeUndefined();
  });

  it('--no-add reprices existing routes only', async () => {
    const run = await prices([priceFile('noadd.json', litellm), '--no-add', '--apply']);
    expect(run.stdout).toContain('Applied in one transaction: 1 route repriced, 0 models added.');
    expect(await route('gemini-9-flash')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"gpt-4o": ', /is not valid JSON/],
    [
      'a number',
      '42',
      /expected a JSON object keyed by model name \(LiteLLM model_prices_and_context_window\.json\) or an array of providers/,
    ],
    ['null', 'null', /expected a JSON object keyed by model name/],
  ])('a file that is %s exits 1 with a clear error and changes nothing', async (_what, content, message) => {
    const before = await routes();
    const run = await prices([priceFile('bad.json', content), '--apply', '--allow-increases']);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Nothing was changed.');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
    expect(await routes()).toEqual(before);
  });

  it('--dry-run with --apply, or --allow-increases without --apply, is refused before anything is read', async () => {
    const file = priceFile('flags.json', litellm);
    const both = await prices([file, '--dry-run', '--apply']);
    expect([both.code, both.stderr]).toEqual([
      1,
      'assistiv: prices import: --dry-run and --apply exclude each other\nNothing was changed.\n',
    ]);
    const alone = await prices([file, '--allow-increases']);
    expect(alone.stderr).toContain('--allow-increases only means something with --apply');
    expect(alone.code).toBe(1);
    const explicit = await prices([file, '--dry-run']);
    expect(explicit.stdout).toContain('Dry run: nothing was changed.');
    expect(explicit.code).toBe(0);
  });

  it('a missing file exits 1 naming it', async () => {
    const run = await prices([join(files, 'nope.json'), '--apply']);
    expect(run.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
    expect(run.code).toBe(1);
  });
});
