/**
 * The dashboard end to end in Chromium against a real gateway: sign-in, platform ID, provider key,
 * end user, wallet top-up (and the API's error for a bad amount), key revocation, rate limits (platform
 * defaults, a user's override, the API's error for a bad limit), operator pages.
 * Writes a full-page screenshot of every page to test-artifacts/screenshots/<page>.png, and the README's
 * Overview screenshot (the viewport, after a month of traffic) to docs/screenshots/overview.png when
 * ASSISTIV_UPDATE_SCREENSHOTS=1.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import { browserEnabled } from '../helpers/suites.js';
import { type MockProvider, startMockOpenAI } from '../mocks/index.js';
import { docsScreenshotDir, ensureDashboardBuilt, openPage, screenshotDir } from './chromium.js';

const dayMs = 86_400_000;
if (!browserEnabled) {
  process.stdout.write('[browser] dashboard test skipped: set ASSISTIV_TEST_BROWSER=1 (needs Debian chromium at /usr/bin/chromium)\n');
}

describe.skipIf(!browserEnabled)('dashboard in Chromium', () => {
  let gw: TestGateway;
  let origin: string;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let context: BrowserContext;
  let page: Page;
  let platformId: string;
  let platformKey: string;
  let endUserKey: string;
  let mockOpenAI: MockProvider;
  let pageErrors: string[] = [];
  // The gateway's clock, shifted back to record the Overview's month of traffic on past days.
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };

  const shot = async (name: string): Promise<void> => {
    await page.waitForLoadState('networkidle');
    await expect.poll(() => page.locator('.loading, .chart-placeholder').count()).toBe(0);
    if ((await page.getByTestId('usage-chart').count()) > 0)
      await page.locator('[data-testid="usage-chart"] .recharts-surface').first().waitFor();
    await page.mouse.move(0, 0);
    // A copy button says "Copied" for 1.5 s: wait for it, so the picture shows the page at rest.
    await expect.poll(() => page.locator('[data-copied="true"]').count(), { timeout: 3000 }).toBe(0);
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      for (const element of document.querySelectorAll('.card-body-flush, .table-scroll')) element.scrollLeft = 0;
    });
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  };
  const goTo = async (nav: string, heading: string): Promise<void> => {
    await page.getByTestId(`nav-${nav}`).click();
    await page.locator('h1', { hasText: heading }).waitFor();
  };
  const clipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
  const text = async (testId: string): Promise<string> => (await page.getByTestId(testId).textContent()) ?? '';
  const balance = (): Promise<string> => text('wallet-balance');
  /** The text of an action's outcome, `<prefix>-success` or `<prefix>-error`, whichever shows first. */
  const outcome = async (prefix: string): Promise<string> => {
    const notice = page.locator(`[data-testid="${prefix}-success"], [data-testid="${prefix}-error"]`).first();
    await notice.waitFor();
    return `${await notice.getAttribute('data-testid')}: ${await notice.textContent()}`;
  };

  /** Calls from three more end users over the last four weeks, made with the gateway's clock shifted back. */
  const recordMonthOfTraffic = async (): Promise<number> => {
    const api = client(gw.url, platformKey);
    const keys: string[] = [];
    for (const externalId of ['acme-support-bot', 'research-team', 'user-456']) {
      const created = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: externalId });
      expect(created.status).toBe(201);
      keys.push(created.body.data.api_key.raw_key);
    }
    const models = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4.1'];
    let calls = 0;
    try {
      for (let daysAgo = 27; daysAgo >= 1; daysAgo -= 1) {
        clock.offsetMs = -daysAgo * dayMs;
        // Uneven days, busier in the second half of the month.
        const callsToday = 1 + ((daysAgo * 7) % 4) + (daysAgo < 14 ? 2 : 0);
        for (let index = 0; index < callsToday; index += 1) {
          const seed = daysAgo * 31 + index * 17;
          const res = await client(gw.url, keys[seed % keys.length]).post('/v1/chat/completions', {
            model: models[seed % models.length],
            messages: [{ role: 'user', content: 'Summarise this support thread. '.repeat(300 + (seed % 300)) }],
          });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          calls += 1;
        }
      }
    } finally {
      clock.offsetMs = 0;
    }
    return calls;
  };

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway({ clock });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Browser Test Co'));
    // Inference traffic for the overview and logs goes to a local mock speaking OpenAI's wire format.
    mockOpenAI = await startMockOpenAI();
    const admin = client(gw.url, gw.adminKey);
    const providers = await admin.get('/v1/admin/providers');
    const openai = (providers.body.data as Array<{ id: string; slug: string }>).find((p) => p.slug === 'openai');
    expect((await admin.patch(`/v1/admin/providers/${openai?.id}`, { base_url: mockOpenAI.url })).status).toBe(200);
    origin = gw.url;
    await mkdir(screenshotDir, { recursive: true });
    await mkdir(docsScreenshotDir, { recursive: true });
    ({ browser, page, pageErrors } = await openPage());
    context = browser.context;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  });

  afterAll(async () => {
    await browser?.close();
    await mockOpenAI?.close();
    await gw?.close();
  });

  it('is served by the gateway itself at /dashboard/', async () => {
    const index = await fetch(`${gw.url}/dashboard/`, { redirect: 'manual' });
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('id="root"');
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect((await fetch(`${gw.url}${script}`)).status).toBe(200);
  });

  it('signs in with a platform key and Platform ID, kept in sessionStorage only', async () => {
    await page.goto(`${origin}/dashboard/#/sign-in`);
    await page.getByTestId('signin-email').waitFor();
    await shot('sign-in');
    await page.getByTestId('signin-tab-platform').click();
    await page.getByTestId('signin-platform-key').waitFor();

    const unknownId = '00000000-0000-4000-8000-000000000000';
    const direct = await client(gw.url, platformKey).get(`/v1/platforms/${unknownId}`);
    expect(direct.status).toBeGreaterThanOrEqual(400);
    await page.getByTestId('signin-platform-key').fill(platformKey);
    await page.getByTestId('signin-platform-id').fill(unknownId);
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => text('signin-error-message')).toBe(direct.body.error.message);

    await page.getByTestId('signin-platform-id').fill(platformId);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-overview').waitFor();
    expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
    expect(await page.evaluate(() => JSON.stringify(window.sessionStorage))).toContain(platformKey);
    await page.getByTestId('wallet-balance').waitFor();
    await shot('overview-empty');
  });

  it('shows the platform ID on Settings → Platform info and copies it', async () => {
    await goTo('settings', 'Settings');
    await expect.poll(() => text('platform-id')).toBe(platformId);
    await page.getByTestId('copy-platform-id').click();
    await expect.poll(clipboard).toBe(platformId);

    await page.getByTestId('settings-markup').fill('20');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => text('settings-success')).toBe('Settings saved.');
    const platform = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}`);
    expect(platform.body.data.settings).toMatchObject({ markup_percentage: 20 });
  });

  it('adds a provider key on Providers (the key is never shown)', async () => {
    await goTo('providers', 'Providers');
    await expect.poll(() => text('llm-configs-empty')).toContain('Add a provider key to start routing');
    await page.getByTestId('provider-id-openai').waitFor();
    await shot('providers-empty');

    const openai = await client(gw.url, platformKey).get('/v1/admin/providers');
    const openaiId = (openai.body.data as Array<{ id: string; slug: string }>).find((p) => p.slug === 'openai')?.id;
    await page.getByTestId('copy-provider-id-openai').click();
    await expect.poll(clipboard).toBe(openaiId);

    await page.getByTestId('llm-config-provider').selectOption(openaiId ?? '');
    await page.getByTestId('llm-config-api-key').fill('sk-openai-browser-test-key-9f3a');
    await page.getByTestId('llm-config-name').fill('OpenAI production');
    await page.getByTestId('llm-config-submit').click();
    expect(await outcome('llm-config-add')).toMatch(/^llm-config-add-success: .*9f3a/);
    await expect.poll(() => text('llm-config-key-hint')).toBe('••••9f3a');
    expect(await page.content()).not.toContain('sk-openai-browser-test-key');
    await shot('providers');
  });

  it('creates an end user and copies its key, shown once', async () => {
    await goTo('end-users', 'End users');
    await page.getByTestId('end-users-empty').waitFor();
    await page.getByTestId('end-user-external-id').fill('user-123');
    await page.getByTestId('end-user-display-name').fill('Jane Smith');
    await page.getByTestId('end-user-create').click();
    endUserKey = await text('raw-key-value');
    expect(endUserKey).toMatch(/^sk-eu_/);
    await page.getByTestId('copy-raw-key').click();
    await expect.poll(clipboard).toBe(endUserKey);
    await page.getByTestId('end-user-row-user-123').waitFor();
    await shot('end-users');
    expect((await client(gw.url, endUserKey).get('/v1/me')).status).toBe(200);

    await page.getByTestId('end-user-external-id').fill('user-123');
    await page.getByTestId('end-user-create').click();
    await expect.poll(() => text('end-user-create-success')).toContain('already existed');
    await expect.poll(() => text('raw-key-value')).not.toBe(endUserKey);
    await expect.poll(() => page.locator('[data-testid="end-users-table"] tbody tr').count()).toBe(1);
  });

  it('tops up the wallet and shows the new balance', async () => {
    await goTo('wallet', 'Wallet');
    await expect.poll(balance).toBe('$0.00');
    await page.getByTestId('transactions-empty').waitFor();
    await page.getByTestId('topup-amount').fill('50');
    await page.getByTestId('topup-description').fill('Initial top-up');
    await page.getByTestId('topup-submit').click();
    await expect.poll(() => text('topup-success')).toContain('$50.00');
    await expect.poll(balance).toBe('$50.00');
    await expect.poll(() => page.getByTestId('topup-amount').inputValue()).toBe('');
    await expect.poll(() => text('wallet-available')).toBe('$50.00');
    await expect.poll(() => text('transactions-table')).toContain('+$50.00');
    await shot('wallet');
  });

  it("shows the API's own error for a bad top-up amount, where it was entered", async () => {
    for (const amount of ['1.1234567', '-5']) {
      const direct = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/wallet/topup`, { amount: Number(amount) });
      expect(direct.status).toBe(400);
      await page.getByTestId('topup-amount').fill(amount);
      await page.getByTestId('topup-submit').click();
      await expect.poll(() => text('topup-error-message')).toBe(direct.body.error.message);
    }
    await expect.poll(balance).toBe('$50.00');
    await shot('wallet-error');
  });

  it('creates and revokes a platform API key', async () => {
    await goTo('settings', 'Settings');
    await page.getByTestId('platform-key-name').fill('rotation');
    await page.getByTestId('platform-key-create').click();
    const rawKey = await text('raw-key-value');
    expect(rawKey).toMatch(/^sk-plat_/);
    expect((await client(gw.url, rawKey).get(`/v1/platforms/${platformId}`)).status).toBe(200);
    await shot('settings');

    const row = page.locator(`tr[data-key-prefix="${rawKey.slice(0, 12)}"]`);
    await row.locator('[data-testid^="revoke-key-"]').first().click();
    await row.locator('[data-testid$="-confirm"]').click();
    await expect.poll(() => text('platform-key-revoke-success')).toContain('revoked');
    await expect.poll(() => row.textContent()).toContain('Revoked');
    expect((await client(gw.url, rawKey).get(`/v1/platforms/${platformId}`)).status).toBe(401);
  });

  it('lists inference calls on Logs, filterable by end user', async () => {
    const inference = client(gw.url, endUserKey);
    for (const content of ['Hello, world!', 'What is a wallet?', 'Summarise the quick start.']) {
      const res = await inference.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await goTo('logs', 'Logs');
    await expect.poll(() => page.locator('[data-testid="logs-table"] tbody tr').count()).toBe(3);
    await shot('logs');

    await page.getByTestId('log-filter-end-user').fill('user-123');
    await page.getByTestId('log-filter-status').selectOption('success');
    await page.getByTestId('log-filter-apply').click();
    await expect.poll(() => page.locator('[data-testid="logs-table"] tbody tr').count()).toBe(3);
    await page.getByTestId('log-filter-end-user').fill('nobody-here');
    await page.getByTestId('log-filter-apply').click();
    await expect.poll(() => text('logs-error-message')).toContain('nobody-here');
  });

  it('shows spend, top models and top end users on the Overview', async () => {
    const extraCalls = await recordMonthOfTraffic();
    await goTo('overview', 'Overview');
    await page.getByTestId('usage-chart').waitFor();
    await expect.poll(() => text('overview-requests')).toBe(String(3 + extraCalls));
    await expect.poll(() => text('top-models')).toContain('gpt-4o-mini');
    await expect.poll(() => text('top-end-users')).toContain('user-123');
    const wallet = await client(gw.url, platformKey).get(`/v1/platforms/${platformId}/wallet`);
    expect(Number(wallet.body.data.balance)).toBeLessThan(50);
    await expect.poll(() => page.getByTestId('wallet-balance').getAttribute('data-value')).toBe(String(wallet.body.data.balance));
    await shot('overview');
    // The README's picture: the viewport (not the full page), tall enough for the top tables.
    await page.setViewportSize({ width: 1360, height: 1040 });
    // The README's picture is refreshed on request only, so a test run leaves the tree clean.
    const readmeShot = process.env.ASSISTIV_UPDATE_SCREENSHOTS === '1' ? docsScreenshotDir : screenshotDir;
    await page.screenshot({
      path: join(readmeShot, process.env.ASSISTIV_UPDATE_SCREENSHOTS === '1' ? 'overview.png' : 'overview-viewport.png'),
    });
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("manages an end user's budget and shows their keys and calls", async () => {
    await goTo('end-users', 'End users');
    await page.getByTestId('end-user-link-user-123').click();
    await page.locator('h1', { hasText: 'Jane Smith' }).waitFor();
    await page.getByTestId('end-user-keys-table').waitFor();

    await page.getByTestId('budget-max-usd').fill('10');
    await page.getByTestId('budget-create').click();
    await expect.poll(() => text('budget-max')).toBe('$10.00');
    await page.getByTestId('budget-topup-amount').fill('5');
    await page.getByTestId('budget-topup-submit').click();
    await expect.poll(() => text('budget-max')).toBe('$15.00');
    await expect.poll(() => text('budget-success')).toContain('topped up');
    await expect.poll(() => page.locator('[data-testid="end-user-logs-table"] tbody tr').count()).toBe(3);
    await expect.poll(() => page.getByTestId('budget-topup-amount').inputValue()).toBe('');
  });

  it("sets rate-limit defaults on Settings and a user's override on their page, with the API's error for a bad limit", async () => {
    const api = client(gw.url, platformKey);
    const resolution = (): Promise<string | null> => page.getByTestId('rate-limit-resolution').getAttribute('data-resolution');
    await goTo('settings', 'Settings');
    await expect.poll(() => text('rate-limit-defaults-updated')).toContain('No defaults set');
    await page.getByTestId('rate-limit-defaults-rpm').fill('60');
    await page.getByTestId('rate-limit-defaults-tpm').fill('100000');
    await page.getByTestId('rate-limit-defaults-save').click();
    await expect.poll(() => text('rate-limit-defaults-success')).toContain('Default limits saved');
    await expect.poll(() => text('rate-limit-defaults-updated')).toContain('Last changed');
    const defaults = await api.get(`/v1/platforms/${platformId}/rate-limits`);
    expect(defaults.body.data).toMatchObject({ rpm_limit: 60, tpm_limit: 100000, rpd_limit: null });
    await shot('settings-rate-limits');

    await goTo('end-users', 'End users');
    await page.getByTestId('end-user-link-user-123').click();
    await page.locator('h1', { hasText: 'Jane Smith' }).waitFor();
    const endUserId = await page.getByTestId('end-user-id').getAttribute('title');
    await expect.poll(resolution).toBe('default');
    await expect.poll(() => text('rate-limit-effective-rpm')).toBe('60');
    await expect.poll(() => text('rate-limit-effective-tpm')).toBe('100,000');
    await expect.poll(() => text('rate-limit-effective-rpd')).toBe('Unlimited');

    await page.getByTestId('rate-limit-override-rpm').fill('10');
    await page.getByTestId('rate-limit-override-tpm').fill('');
    await page.getByTestId('rate-limit-override-rpd').fill('1000');
    await page.getByTestId('rate-limit-override-save').click();
    await expect.poll(resolution).toBe('explicit');
    await expect.poll(() => text('rate-limit-effective-rpm')).toBe('10');
    await expect.poll(() => text('rate-limit-effective-tpm')).toBe('Unlimited');
    await expect.poll(() => text('rate-limit-effective-rpd')).toBe('1,000');
    await expect.poll(() => text('rate-limit-override-success')).toContain('Override saved');
    const own = await client(gw.url, endUserKey).get('/v1/me/rate-limits');
    expect(own.body.data).toEqual({ rpm_limit: 10, tpm_limit: null, rpd_limit: 1000, resolution: 'explicit' });
    await shot('end-user-detail');

    for (const rpm of ['1.5', '-1']) {
      const direct = await api.put(`/v1/platforms/${platformId}/end-users/${endUserId}/rate-limits`, {
        rpm_limit: Number(rpm),
        tpm_limit: null,
        rpd_limit: 1000,
      });
      expect(direct.status).toBe(400);
      expect(direct.body.error.param).toContain('rpm_limit');
      await page.getByTestId('rate-limit-override-rpm').fill(rpm);
      await page.getByTestId('rate-limit-override-save').click();
      await expect.poll(() => text('rate-limit-override-error-message')).toBe(direct.body.error.message);
    }
    expect(await resolution()).toBe('explicit');
    expect(await text('rate-limit-effective-rpm')).toBe('10');
    await shot('end-user-rate-limits-error');

    await page.getByTestId('rate-limit-override-delete').click();
    await expect.poll(resolution).toBe('default');
    await expect.poll(() => text('rate-limit-effective-rpm')).toBe('60');
    await expect.poll(() => text('rate-limit-override-success')).toContain('platform defaults apply again');
    expect((await client(gw.url, endUserKey).get('/v1/me/rate-limits')).body.data.resolution).toBe('default');
  });

  it('signs out, clearing the session', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-email').waitFor();
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
    await page.goto(`${origin}/dashboard/#/overview`);
    await page.getByTestId('signin-email').waitFor();
  });

  it('operator pages: platforms (create shows the key once, suspend), providers, models', async () => {
    await page.getByTestId('signin-tab-admin').click();
    await page.getByTestId('signin-admin-key').fill(gw.adminKey);
    await page.getByTestId('signin-admin-submit').click();
    await page.getByTestId('admin-platforms-table').waitFor();

    await page.getByTestId('admin-platform-name').fill('Second Tenant');
    await page.getByTestId('admin-platform-create').click();
    expect(await page.getByTestId('raw-key-value').textContent()).toMatch(/^sk-plat_/);
    const row = page.locator(`[data-testid="admin-platform-row-${platformId}"]`);
    await row.locator(`[data-testid="suspend-platform-${platformId}"]`).click();
    await row.locator(`[data-testid="suspend-platform-${platformId}-confirm"]`).click();
    await expect.poll(() => row.textContent()).toContain('Suspended');
    expect((await client(gw.url, platformKey).get(`/v1/platforms/${platformId}`)).status).toBe(403);
    await row.locator(`[data-testid="reactivate-platform-${platformId}"]`).click();
    await expect.poll(() => row.textContent()).toContain('Active');
    expect((await client(gw.url, platformKey).get(`/v1/platforms/${platformId}`)).status).toBe(200);
    await shot('admin-platforms');

    await goTo('admin-providers', 'Providers');
    await page.getByTestId('admin-provider-row-openai').waitFor();
    await shot('admin-providers');

    await goTo('admin-models', 'Models & prices');
    await page.getByTestId('admin-models-table').waitFor();
    const modelRow = page.locator('[data-testid^="model-row-gpt-4o-mini-"]');
    const admin = client(gw.url, gw.adminKey);
    const routes = (await admin.get('/v1/admin/models?limit=100')).body.data as Array<Record<string, unknown>>;
    const route = routes.find((candidate) => candidate.slug === 'gpt-4o-mini');
    const direct = await admin.patch(`/v1/admin/models/${route?.id}`, {
      input_usd_per_mtok: -1,
      output_usd_per_mtok: route?.output_usd_per_mtok,
      cached_input_usd_per_mtok: route?.cached_input_usd_per_mtok,
    });
    expect(direct.status).toBe(400);
    await page.getByTestId('edit-prices-gpt-4o-mini').click();
    await page.getByTestId('price-input').fill('-1');
    await page.getByTestId('save-prices-gpt-4o-mini').click();
    // The API's message, beside the field its `param` names; the typed value stays.
    await expect.poll(() => text('price-input-error')).toBe(direct.body.error.message);
    expect(await page.getByTestId('price-input').inputValue()).toBe('-1');
    await page.getByTestId('price-input').fill('0.2');
    await page.getByTestId('save-prices-gpt-4o-mini').click();
    await expect.poll(() => text('model-change-success')).toContain('gpt-4o-mini');
    await expect.poll(() => modelRow.textContent()).toContain('$0.20');
    await shot('admin-models');
    expect(pageErrors).toEqual([]);
  });
});
