/**
 * Issue 12 in Chromium, against a real gateway and mock providers, on each database:
 * - the operator edits a route's cache-write prices, its max output tokens and adds a long-context tier;
 *   a reload shows the saved values and the API returns them, to the last decimal;
 * - a 400 (tiers out of order, a tier without an output price, a price with 7 decimals, a negative
 *   price) shows the API's own message beside the field its `param` names, keeps what was typed, and
 *   saves nothing;
 * - the logs table shows the cache-read, cache-write and reasoning tokens a provider reported, and the
 *   call's ingress; the overview sums them.
 * Screenshots go to test-artifacts/screenshots/; with ASSISTIV_UPDATE_SCREENSHOTS=1 the README's pictures of
 * the price editor and the logs are refreshed in docs/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { type InferenceFixture, startInferenceFixture } from '../helpers/inference.js';
import { browserEnabled, dialects } from '../helpers/suites.js';
import { docsScreenshotDir, ensureDashboardBuilt, openPage, screenshotDir } from './chromium.js';

if (!browserEnabled) process.stdout.write('[browser] pricing test skipped: set ASSISTIV_TEST_BROWSER=1\n');

type Route = Record<string, unknown> & { id: string; tiers: Array<Record<string, unknown>> };

/**
 * Mock behaviour from the upstream name (test/mocks/behaviour.ts): Anthropic reports 4,000 prompt tokens,
 * half read from the cache, a quarter written for 5 minutes and an eighth for 1 hour; OpenAI 3,000, half
 * cached, and 3 × the answer spent reasoning (Anthropic has no separate reasoning count to report).
 */
const claudeUpstream = 'claude-cached-cache-write-cache-write-1h-prompt-4000';
const openaiUpstream = 'o4-cached-reasoning-prompt-3000';
/** "Echo: Hello there" is 5 answer tokens in every mock. */
const answerTokens = 5;

describe.each(dialects)('model prices and token buckets in the dashboard (%s)', (dialect) => {
  let f: InferenceFixture;
  let browser: Awaited<ReturnType<typeof openPage>>['browser'];
  let page: Page;
  let routeId: string;
  let pageErrors: string[] = [];
  const admin = () => client(f.gw.url, f.gw.adminKey);
  const getRoute = async (): Promise<Route> => {
    const res = await admin().get(`/v1/admin/models/${routeId}`);
    expect(res.status).toBe(200);
    return res.body.data as Route;
  };
  const text = async (testId: string): Promise<string> => (await page.getByTestId(testId).first().textContent()) ?? '';
  const value = (testId: string): Promise<string> => page.getByTestId(testId).inputValue();
  const shot = async (name: string): Promise<void> => {
    await page.waitForLoadState('networkidle');
    await page.mouse.move(0, 0);
    await page.evaluate(() => {
      for (const element of document.querySelectorAll('.card-body-flush, .table-scroll')) element.scrollLeft = 0;
    });
    await page.screenshot({ path: join(screenshotDir, `${name}${dialect === 'sqlite' ? '' : `-${dialect}`}.png`), fullPage: true });
  };
  /** The README's picture of one card (its top `maxHeight` pixels), refreshed on request only so a run leaves the tree clean. */
  const docsShot = async (name: string, card: string, maxHeight: number): Promise<void> => {
    if (process.env.ASSISTIV_UPDATE_SCREENSHOTS !== '1' || dialect !== 'sqlite') return;
    // With the page at the top, the card's box is in page coordinates, which a full-page clip expects.
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.getByTestId(card).boundingBox();
    if (!box) throw new Error(`${card} is not visible`);
    await page.screenshot({
      path: join(docsScreenshotDir, `${name}.png`),
      fullPage: true,
      clip: { x: box.x - 16, y: box.y - 16, width: box.width + 32, height: Math.min(box.height, maxHeight) + 32 },
    });
  };
  /** The Models page, filtered to the Anthropic routes (a shorter page to look at). */
  const openModels = async (): Promise<void> => {
    await page.getByTestId('nav-admin-models').click();
    await page.getByTestId('edit-prices-claude-agent').waitFor();
    await page.getByTestId('models-provider-filter').selectOption({ label: 'Anthropic' });
    await expect.poll(() => page.locator('[data-testid^="model-row-gpt-"]').count()).toBe(0);
    await page.getByTestId('edit-prices-claude-agent').waitFor();
  };
  /** Clicks Save and returns the API's answer to the PATCH it sent. */
  const saveAndAnswer = async (): Promise<{ status: number; body: any }> => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/v1/admin/models/${routeId}`)),
      page.getByTestId('save-prices-claude-agent').click(),
    ]);
    return { status: response.status(), body: await response.json() };
  };

  beforeAll(async () => {
    await ensureDashboardBuilt();
    f = await startInferenceFixture({ dialect });
    routeId = await f.addRoute('claude-agent', 'anthropic', claudeUpstream, {
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cached_input_usd_per_mtok: 0.3,
    });
    await f.addRoute('o4-agent', 'openai', openaiUpstream, { input_usd_per_mtok: 1.1, output_usd_per_mtok: 4.4 });
    await mkdir(screenshotDir, { recursive: true });
    ({ browser, page, pageErrors } = await openPage());
  });

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('saves cache-write prices, max output tokens and a new tier; a reload and the API show them exactly', async () => {
    await page.goto(`${f.gw.url}/dashboard/#/sign-in`);
    await page.getByTestId('signin-tab-admin').click();
    await page.getByTestId('signin-admin-key').fill(f.gw.adminKey);
    await page.getByTestId('signin-admin-submit').click();
    await page.getByTestId('admin-platforms-table').waitFor();
    await openModels();

    await page.getByTestId('edit-prices-claude-agent').click();
    expect(await value('price-input')).toBe('3');
    expect(await value('price-cached')).toBe('0.3');
    expect(await value('price-cache-write')).toBe('');
    await page.getByTestId('tiers-none').waitFor();

    await page.getByTestId('price-cache-write').fill('3.75');
    await page.getByTestId('price-cache-write-1h').fill('6.000001');
    await page.getByTestId('price-max-output').fill('64000');
    await page.getByTestId('tier-add').click();
    await page.getByTestId('tier-0-above').fill('200000');
    await page.getByTestId('tier-0-input').fill('6');
    await page.getByTestId('tier-0-output').fill('22.5');
    await page.getByTestId('tier-0-cached').fill('0.123457');
    await page.getByTestId('tier-0-cache-write').fill('7.5');
    await shot('admin-models-editor');
    await docsShot('models-prices', 'admin-models', 720);
    const saved = await saveAndAnswer();
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await expect.poll(() => text('model-change-success')).toContain('claude-agent');
    await expect.poll(() => page.getByTestId('price-editor-claude-agent').count()).toBe(0);

    const expected = {
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cached_input_usd_per_mtok: 0.3,
      cache_write_usd_per_mtok: 3.75,
      cache_write_1h_usd_per_mtok: 6.000001,
      max_output_tokens: 64000,
      tiers: [
        {
          above_input_tokens: 200000,
          input_usd_per_mtok: 6,
          output_usd_per_mtok: 22.5,
          cached_input_usd_per_mtok: 0.123457,
          cache_write_usd_per_mtok: 7.5,
          cache_write_1h_usd_per_mtok: null,
        },
      ],
    };
    expect(await getRoute()).toMatchObject(expected);

    await page.reload();
    await openModels();
    await expect.poll(() => text('model-claude-agent-cache-write')).toBe('$3.75');
    expect(await text('model-claude-agent-cache-write-1h')).toBe('$6.000001');
    expect(await text('model-claude-agent-cached')).toBe('$0.30');
    expect(await text('model-claude-agent-tiers')).toBe('> 200k');
    expect(await text('model-claude-agent-max-output')).toBe('64,000');
    await page.getByTestId('edit-prices-claude-agent').click();
    expect(await value('price-cache-write')).toBe('3.75');
    expect(await value('price-cache-write-1h')).toBe('6.000001');
    expect(await value('price-max-output')).toBe('64000');
    expect(await value('tier-0-above')).toBe('200000');
    expect(await value('tier-0-output')).toBe('22.5');
    expect(await value('tier-0-cached')).toBe('0.123457');
    expect(await value('tier-0-cache-write')).toBe('7.5');
    expect(await value('tier-0-cache-write-1h')).toBe('');
    await shot('admin-models');
  });

  it('shows each 400 beside the field its param names, keeps the form and saves nothing', async () => {
    const before = await getRoute();
    // The editor is open from the previous test with the saved values.
    await page.getByTestId('tier-add').click();
    await page.getByTestId('tier-1-above').fill('100000');
    await page.getByTestId('tier-1-input').fill('9');
    await page.getByTestId('tier-1-output').fill('30');

    const order = await saveAndAnswer();
    expect(order.status).toBe(400);
    expect(order.body.error.param).toBe('tiers[1].above_input_tokens');
    await expect.poll(() => text('tier-1-above-error')).toBe(order.body.error.message);
    expect(await page.getByTestId('price-editor-error').count()).toBe(0);
    await shot('admin-models-tier-error');

    // Ascending now, but the new tier has no output price.
    await page.getByTestId('tier-1-above').fill('500000');
    await page.getByTestId('tier-1-output').fill('');
    const missing = await saveAndAnswer();
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('tiers[1].output_usd_per_mtok');
    await expect.poll(() => text('tier-1-output-error')).toBe(missing.body.error.message);
    expect(await page.getByTestId('tier-1-above-error').count()).toBe(0);

    // A route price with 7 decimals, then a negative one.
    await page.getByTestId('tier-1-output').fill('30');
    await page.getByTestId('price-cache-write').fill('3.7500001');
    const decimals = await saveAndAnswer();
    expect(decimals.body.error.param).toBe('cache_write_usd_per_mtok');
    await expect.poll(() => text('price-cache-write-error')).toBe(decimals.body.error.message);
    await page.getByTestId('price-cache-write').fill('3.75');
    await page.getByTestId('price-cache-write-1h').fill('-2');
    const negative = await saveAndAnswer();
    expect(negative.body.error.param).toBe('cache_write_1h_usd_per_mtok');
    await expect.poll(() => text('price-cache-write-1h-error')).toBe(negative.body.error.message);

    // Nothing typed was lost, and nothing was saved.
    expect(await value('price-cache-write-1h')).toBe('-2');
    expect(await value('tier-1-above')).toBe('500000');
    expect(await value('tier-1-input')).toBe('9');
    expect(await value('tier-0-cached')).toBe('0.123457');
    expect(await getRoute()).toEqual(before);

    // Fixed, it saves: two tiers, ascending.
    await page.getByTestId('price-cache-write-1h').fill('6');
    const fixed = await saveAndAnswer();
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    const after = await getRoute();
    expect(after.cache_write_1h_usd_per_mtok).toBe(6);
    expect(after.tiers.map((tier) => [tier.above_input_tokens, tier.input_usd_per_mtok, tier.output_usd_per_mtok])).toEqual([
      [200000, 6, 22.5],
      [500000, 9, 30],
    ]);
    await expect.poll(() => text('model-claude-agent-tiers')).toBe('> 200k, > 500k');

    // Removing a tier saves the rest.
    await page.getByTestId('edit-prices-claude-agent').click();
    await page.getByTestId('tier-1-remove').click();
    expect((await saveAndAnswer()).status).toBe(200);
    expect((await getRoute()).tiers.map((tier) => tier.above_input_tokens)).toEqual([200000]);
  });

  it('adds a route with cache-write prices from the form; a bad one shows its error by the field', async () => {
    await page.getByTestId('model-slug').fill('claude-new');
    await page.getByTestId('model-provider').selectOption(f.providerIds.anthropic);
    await page.getByTestId('model-max-output').fill('8192');
    await page.getByTestId('model-input-price').fill('1');
    await page.getByTestId('model-output-price').fill('5');
    await page.getByTestId('model-cache-write-price').fill('1.25');
    await page.getByTestId('model-cache-write-1h-price').fill('2.0000001');
    const [rejected] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/v1/admin/models')),
      page.getByTestId('model-create').click(),
    ]);
    const body = await rejected.json();
    expect(body.error.param).toBe('cache_write_1h_usd_per_mtok');
    await expect.poll(() => text('model-cache-write-1h-price-error')).toBe(body.error.message);
    expect(await value('model-slug')).toBe('claude-new');

    await page.getByTestId('model-cache-write-1h-price').fill('2');
    await page.getByTestId('model-create').click();
    await expect.poll(() => text('model-create-success')).toContain('claude-new');
    const created = await admin().get('/v1/admin/models?slug=claude-new');
    expect(created.body.data).toMatchObject([
      {
        slug: 'claude-new',
        input_usd_per_mtok: 1,
        output_usd_per_mtok: 5,
        cache_write_usd_per_mtok: 1.25,
        cache_write_1h_usd_per_mtok: 2,
        tiers: [],
      },
    ]);
    await expect.poll(() => text('model-claude-new-cache-write')).toBe('$1.25');
  });

  it('shows the cache and reasoning tokens a provider reported, and the ingress, in Logs and the Overview', async () => {
    const user = client(f.gw.url, f.endUserKey);
    const claude = await user.post('/v1/chat/completions', { model: 'claude-agent', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(claude.status, JSON.stringify(claude.body)).toBe(200);
    const o4 = await fetch(`${f.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.endUserKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'o4-agent',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Hello there' }],
      }),
    });
    expect(o4.status).toBe(200);
    expect(await o4.text()).toContain('data: [DONE]');
    // The same Anthropic route through the Messages API (issue 11): logged as request_type "message".
    const message = await user.post(
      '/v1/messages',
      { model: 'claude-agent', max_tokens: 256, messages: [{ role: 'user', content: 'Hello there' }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(message.status, JSON.stringify(message.body)).toBe(200);

    const logs = await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/logs`);
    const rows = logs.body.data as Array<Record<string, any>>;
    const claudeLog = rows.find((row) => row.model === 'claude-agent' && row.request_type === 'chat.completion');
    const messageLog = rows.find((row) => row.request_type === 'message');
    const o4Log = rows.find((row) => row.model === 'o4-agent');
    // The mocks' formula (test/mocks/scripted-answer.ts usageOf), as the API logged it.
    expect(claudeLog).toMatchObject({
      request_type: 'chat.completion',
      prompt_tokens: 4000,
      cached_tokens: 2000,
      cache_write_tokens: 1000 + 500,
      reasoning_tokens: 0,
      completion_tokens: answerTokens,
    });
    expect(messageLog).toMatchObject({
      model: 'claude-agent',
      prompt_tokens: 4000,
      cached_tokens: 2000,
      cache_write_tokens: 1500,
      reasoning_tokens: 0,
      completion_tokens: answerTokens,
    });
    expect(o4Log).toMatchObject({
      request_type: 'chat.completion',
      stream: true,
      prompt_tokens: 3000,
      cached_tokens: 1500,
      cache_write_tokens: 0,
      reasoning_tokens: 3 * answerTokens,
      completion_tokens: 4 * answerTokens,
    });

    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-tab-platform').click();
    await page.getByTestId('signin-platform-key').fill(f.platformKey);
    await page.getByTestId('signin-platform-id').fill(f.platformId);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-logs').click();
    const claudeRow = page.locator(`tr[data-log-id="${claudeLog?.id}"]`);
    const o4Row = page.locator(`tr[data-log-id="${o4Log?.id}"]`);
    await claudeRow.waitFor();
    const cell = (row: typeof claudeRow, testId: string) => row.getByTestId(testId).textContent();
    expect(await cell(claudeRow, 'log-tokens')).toBe('4,000 / 5');
    expect(await cell(claudeRow, 'log-cached-tokens')).toBe('2,000');
    expect(await cell(claudeRow, 'log-cache-write-tokens')).toBe('1,500');
    expect(await cell(claudeRow, 'log-reasoning-tokens')).toBe('—');
    expect(await cell(claudeRow, 'log-request-type')).toBe('chat');
    expect(await claudeRow.getByTestId('log-tokens').getAttribute('title')).toBe(
      'Prompt 4,000 (cache read 2,000, cache write 1,500)\nOutput 5 (reasoning 0)\nCounted: reported',
    );
    const messageRow = page.locator(`tr[data-log-id="${messageLog?.id}"]`);
    expect(await cell(messageRow, 'log-request-type')).toBe('messages');
    expect(await cell(messageRow, 'log-tokens')).toBe('4,000 / 5');
    expect(await cell(messageRow, 'log-cache-write-tokens')).toBe('1,500');
    expect(await cell(o4Row, 'log-request-type')).toBe('chat');
    expect(await cell(o4Row, 'log-tokens')).toBe('3,000 / 20');
    expect(await cell(o4Row, 'log-cached-tokens')).toBe('1,500');
    expect(await cell(o4Row, 'log-cache-write-tokens')).toBe('—');
    expect(await cell(o4Row, 'log-reasoning-tokens')).toBe('15');
    await shot('logs-token-buckets');
    await docsShot('logs', 'logs-card', 400);

    const usage = await client(f.gw.url, f.platformKey).get(`/v1/platforms/${f.platformId}/usage?group_by=model`);
    const sum = (field: string) => (usage.body.data as Array<Record<string, number>>).reduce((total, row) => total + row[field], 0);
    expect([sum('cached_tokens'), sum('cache_write_tokens'), sum('reasoning_tokens')]).toEqual([5500, 3000, 15]);
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => text('overview-tokens')).toBe('11,000 / 30');
    expect(await text('overview-cached-tokens')).toBe('5,500');
    expect(await text('overview-cache-write-tokens')).toBe('3,000');
    expect(await text('overview-reasoning-tokens')).toBe('15');
    expect(pageErrors).toEqual([]);
  });
});
