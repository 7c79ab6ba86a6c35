/**
 * Deleting a platform from the dashboard in Chromium: only an owner sees Settings → Delete platform (an admin
 * member does not); the button stays disabled until the platform's exact name is typed; deleting signs the owner
 * out, and the platform, its members and its keys are gone (the API answers 404 and 401), while another platform
 * is untouched. Screenshot: test-artifacts/screenshots/delete-platform.png.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import { browserEnabled } from '../helpers/suites.js';
import { tokenOf } from '../integration/accounts/members-helpers.js';
import { ensureDashboardBuilt, launchChromium, screenshotDir } from './chromium.js';

const password = 'delete test password 321';

describe.skipIf(!browserEnabled)('deleting a platform from the dashboard', () => {
  let gw: TestGateway;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];

  /** A member of `role` on the platform, invited with its key and accepted over the API. */
  const addMember = async (platformId: string, platformKey: string, email: string, role: string) => {
    const invited = await client(gw.url, platformKey).post(`/v1/platforms/${platformId}/members`, { email, role });
    expect((await client(gw.url).post(`/v1/auth/invites/${tokenOf(invited.body.data.invite_url)}`, { password })).status).toBe(201);
  };

  const signIn = async (email: string) => {
    await page.goto(`${gw.url}/dashboard/#/sign-in`);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-email-submit').click();
    await page.getByTestId('nav-overview').waitFor();
  };

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway();
    await mkdir(screenshotDir, { recursive: true });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('an admin member has no delete control; the owner deletes with the exact name, is signed out, and the platform is gone', async () => {
    const doomed = await createPlatform(gw.url, gw.adminKey, 'Doomed Co');
    const kept = await createPlatform(gw.url, gw.adminKey, 'Kept Co');
    await addMember(doomed.platformId, doomed.platformKey, 'admin@doomed.example', 'admin');
    await addMember(doomed.platformId, doomed.platformKey, 'owner@doomed.example', 'owner');

    await signIn('admin@doomed.example');
    await page.goto(`${gw.url}/dashboard/#/settings`);
    await page.getByTestId('platform-keys-table').waitFor();
    expect(await page.getByTestId('delete-platform').count()).toBe(0);
    await page.getByTestId('sign-out').click();

    await signIn('owner@doomed.example');
    await page.goto(`${gw.url}/dashboard/#/settings`);
    const submit = page.getByTestId('delete-platform-submit');
    await submit.waitFor();
    expect(await submit.isDisabled()).toBe(true);
    await page.getByTestId('delete-platform-name').fill('Doomed C');
    expect(await submit.isDisabled()).toBe(true);
    await page.getByTestId('delete-platform-name').fill('Doomed Co');
    expect(await submit.isDisabled()).toBe(false);
    await page.getByTestId('delete-platform').screenshot({ path: join(screenshotDir, 'delete-platform.png') });
    await submit.click();
    await page.getByTestId('signin-email').waitFor();

    const admin = client(gw.url, gw.adminKey);
    expect((await admin.get(`/v1/admin/platforms/${doomed.platformId}`)).status).toBe(404);
    expect((await client(gw.url, doomed.platformKey).get(`/v1/platforms/${doomed.platformId}`)).status).toBe(401);
    const login = await client(gw.url).post('/v1/auth/sessions', { email: 'owner@doomed.example', password });
    expect(login.status).toBe(401);
    // The other platform is untouched.
    expect((await client(gw.url, kept.platformKey).get(`/v1/platforms/${kept.platformId}`)).body.data.name).toBe('Kept Co');
    expect(pageErrors).toEqual([]);
  });
});
