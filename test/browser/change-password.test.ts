/**
 * Change your password in Chromium (spec §3b): a member signs in, opens Settings, is refused for a wrong current
 * password (the form shows the API's message and the session stays), changes the password with the form, signs
 * out, and signs in with the new password while the old one is refused.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/server.js';
import { browserEnabled } from '../helpers/suites.js';
import { acceptedMember } from '../integration/accounts/members-helpers.js';
import { ensureDashboardBuilt, openPage, submitEmailSignIn } from './chromium.js';

const oldPassword = 'first team passphrase 42';
const newPassword = 'second orchard lantern 77';
const email = 'dev@change.example';

describe.skipIf(!browserEnabled)('change your password in Chromium', () => {
  let gw: TestGateway;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let pageErrors: string[] = [];

  const signInWithEmail = (password: string) => submitEmailSignIn(page, gw.url, email, password);

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gw = await startTestGateway();
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Change Co');
    await acceptedMember(gw.url, platformKey, platformId, email, 'developer', oldPassword);
    ({ browser, page, pageErrors } = await openPage());
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('changes the password with the form, signs out, signs in with the new one', async () => {
    await signInWithEmail(oldPassword);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('account-card').waitFor();

    // A wrong current password: the API's message, and the session stays.
    await page.getByTestId('password-current').fill('not my password at all');
    await page.getByTestId('password-new').fill(newPassword);
    await page.getByTestId('password-submit').click();
    expect(await page.getByTestId('password-error').textContent()).toContain('Wrong current password');
    expect(await page.getByTestId('account-card').count()).toBe(1);

    await page.getByTestId('password-current').fill(oldPassword);
    await page.getByTestId('password-new').fill(newPassword);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-success').waitFor();

    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-email').waitFor();
    await signInWithEmail(oldPassword);
    await page.getByTestId('signin-email-error').waitFor();
    await signInWithEmail(newPassword);
    await page.getByTestId('nav-overview').waitFor();
    expect(await page.getByTestId('account-member').textContent()).toBe(`${email} · developer`);
    expect(pageErrors).toEqual([]);
  });
});
