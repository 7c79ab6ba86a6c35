/**
 * The dashboard's and /docs' Content-Security-Policy in Chromium: every page of the dashboard (signed in,
 * with data) and the API reference render without a single CSP violation, so the policy is strict and
 * nothing the pages need is blocked. Runs with the browser suite (ASSISTIV_TEST_BROWSER=1) on the built
 * dashboard (npm run build:dashboard; skipped with a note when it is not built).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { browserEnabled } from '../../helpers/suites.js';

const built = existsSync(fileURLToPath(new URL('../../../dashboard/dist/index.html', import.meta.url)));
if (browserEnabled && !built) process.stdout.write('[csp] skipped: the dashboard is not built (npm run build:dashboard)\n');

describe.skipIf(!browserEnabled || !built)('Content-Security-Policy in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startTestGateway();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('no page of the dashboard or /docs violates its policy', async () => {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
    const api = client(gw.url, platformKey);
    await api.post(`/v1/platforms/${platformId}/wallet/topup`, { amount: 25 });
    await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: 'csp-user' });
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    await page.goto(`${gw.url}/dashboard/#/sign-in`);
    // Email and password is the default form; the key form is its second tab.
    await page.getByTestId('signin-tab-platform').click();
    await page.getByTestId('signin-platform-key').fill(platformKey);
    await page.getByTestId('signin-platform-id').fill(platformId);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('wallet-balance').waitFor();
    for (const route of ['overview', 'wallet', 'end-users', 'logs', 'providers', 'webhooks', 'members', 'audit', 'settings']) {
      await page.goto(`${gw.url}/dashboard/#/${route}`);
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${gw.url}/docs/`);
    await page.getByText('/v1/admin/providers').first().waitFor();
    expect(violations).toEqual([]);
  });
});
