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
import { acceptedMember } from '../integration/accounts/members-helpers.js';
import { ensureDashboardBuilt, openPage, screenshotDir, submitEmailSignIn } from './chromium.js';

const password = 'delete test password 321';

describe.skipIf(!browserEnabled)('deleting a platform from the dashboard', () => {
  let gw: TestGateway;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let pageErrors: string[] = [];

  const signIn = async (email: string) => {
    await submitEmailSignIn(page, gw.url, email, password);
    await page.getByTestId('nav-overview').waitFor();
  };

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway();
    await mkdir(screenshotDir, { recursive: true });
    ({ browser, page, pageErrors } = await openPage());
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('an admin member has no delete control; the owner deletes with the exact name, is signed out, and the platform is gone', async () => {
    const doomed = await createPlatform(gw.url, gw.adminKey, 'Doomed Co');
    const kept = await createPlatform(gw.url, gw.adminKey, 'Kept Co');
    await acceptedMember(gw.url, doomed.platformKey, doomed.platformId, 'admin@doomed.example', 'admin', password);
    await acceptedMember(gw.url, doomed.platformKey, doomed.platformId, 'owner@doomed.example', 'owner', password);

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
